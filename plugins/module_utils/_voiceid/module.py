# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""AnsibleAWSModule for this collection: its user agent, its client, and the one place errors become failures."""

from __future__ import annotations

import contextlib
from typing import Any
from typing import Collection
from typing import Dict
from typing import Iterator
from typing import NoReturn
from typing import Optional
from urllib.parse import urlparse

try:
    import botocore.config
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore before any of this runs.

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from .api.client import CONNECTION_POOL_SIZE
from .api.client import RateLimiter
from .api.client import VoiceIDClient
from .api.domain_client import DomainClient
from .api.errors import END_OF_SUPPORT_NOTICE
from .api.errors import REDACTED_ID
from .api.errors import ApiError
from .api.errors import VoiceIDError
from .api.errors import redact
from .api.limits import CONNECT_TIMEOUT
from .api.limits import READ_TIMEOUT
from .api.retry import RetryPolicy
from .api.watchlist_client import WatchlistClient
from .result_printer import ResultPrinter
from .result_printer import Speakers
from .rules import InvalidParameterError
from .rules import InvalidSpeakerIdsError
from .version import COLLECTION_NAME
from .version import COLLECTION_VERSION

# Retries are ours (RetryPolicy), so that every attempt passes the rate limiter and conflicts of type
# CONCURRENT_CHANGES are retried too; botocore's own retry layer is switched off unless aws_config asks.
# The connection pool holds one connection per request the bulk mode may have in flight. Timeouts are per
# attempt (api/limits.py); aws_config overrides any of these.
_BOTOCORE_CONFIG = {
    "retries": {"mode": "standard", "total_max_attempts": 1},
    "max_pool_connections": CONNECTION_POOL_SIZE,
    "connect_timeout": CONNECT_TIMEOUT,
    "read_timeout": READ_TIMEOUT,
}


def is_aws_endpoint(endpoint_url: Optional[str]) -> bool:
    """Whether a client's endpoint is AWS's own Voice ID endpoint (voiceid.<region>.amazonaws.com and the
    like), rather than one the user set."""
    host = urlparse(endpoint_url or "").hostname or ""
    return host.startswith("voiceid.") and (host.endswith(".amazonaws.com") or host.endswith(".amazonaws.com.cn"))


class VoiceIDModule(AnsibleAWSModule):
    """An AWS module of speakerops.voiceid: requests name the collection and its version in the user agent."""

    def __init__(self, **kwargs: Any) -> None:
        set_collection_info(COLLECTION_NAME, COLLECTION_VERSION)
        super().__init__(**kwargs)
        # Prints long speaker lists one by one where ansible-core allows (see result_printer.py).
        self._result_printer = ResultPrinter(self._module)

    # Set by voiceid_client(): whether the client talks to AWS's own endpoint (no endpoint_url option, no
    # AWS_ENDPOINT_URL(_VOICE_ID) variable, no endpoint in the AWS config).
    _aws_endpoint = False
    _endpoint_url = ""
    # Set by voiceid_client(): the region the client sends requests to, for messages about what is not there.
    _client_region: Optional[str] = None

    def _boto_client(self) -> Any:
        boto_client = self.client("voice-id", config=botocore.config.Config(**_BOTOCORE_CONFIG))
        self._endpoint_url = str(boto_client.meta.endpoint_url)
        self._aws_endpoint = is_aws_endpoint(self._endpoint_url)
        region = getattr(boto_client.meta, "region_name", None)
        self._client_region = region if isinstance(region, str) and region else None
        return boto_client

    def voiceid_client(
        self, limiter: Optional[RateLimiter] = None, retry: Optional[RetryPolicy] = None
    ) -> VoiceIDClient:
        """The client of the speaker and domain-lookup calls."""
        return VoiceIDClient(self._boto_client(), retry=retry, limiter=limiter)

    def domain_client(self, limiter: Optional[RateLimiter] = None, retry: Optional[RetryPolicy] = None) -> DomainClient:
        """The same, with the calls that create, change, tag and delete domains and read their watchlists."""
        return DomainClient(self._boto_client(), retry=retry, limiter=limiter)

    def watchlist_client(
        self, limiter: Optional[RateLimiter] = None, retry: Optional[RetryPolicy] = None
    ) -> WatchlistClient:
        """The same, with the calls that create, change and delete watchlists and move and delete fraudsters."""
        return WatchlistClient(self._boto_client(), retry=retry, limiter=limiter)

    def explain(self, api_error: ApiError) -> str:
        """The part of a failure message that comes from AWS; when AWS's own endpoint does not answer, also the
        endpoint and that AWS ended support for Voice ID (the likely cause). Against an endpoint_url (the
        emulator, say) the error stands alone."""
        text = api_error.describe()
        if self._aws_endpoint and api_error.service_unavailable:
            text += ". " + END_OF_SUPPORT_NOTICE.format(endpoint=self._endpoint_url)
        return text

    def fail_voiceid(
        self,
        error: VoiceIDError,
        context: str = "",
        speaker_ids: Collection[str] = (),
        placeholder: str = REDACTED_ID,
        **result: Any,
    ) -> NoReturn:
        """Fail with the AWS error code and message (and the conflict or resource type) in msg, and the
        same as data in `error`, as amazon.aws modules do, plus result. No request parameters and no credentials;
        the speaker_ids of the request (fraudster ids with placeholder REDACTED_FRAUDSTER_ID) are redacted from what
        the service said, in msg and `error` alike."""
        api_error = error.api_error
        if api_error.unreachable:
            context = ""  # the endpoint, not what the call was about: "The endpoint is unreachable: ..."
        elif api_error.missing_resource == "DOMAIN" and self._client_region:  # say where it was looked for
            context += f" (region {self._client_region})"
        failure: Dict[str, Any] = dict(result)
        failure.update(
            {
                "msg": f"{error.message}{context}: {redact(self.explain(api_error), speaker_ids, placeholder)}",
                "error": {"code": api_error.code, "message": redact(api_error.message, speaker_ids, placeholder)},
            }
        )
        if api_error.conflict_type:
            failure["error"]["conflict_type"] = api_error.conflict_type
        if api_error.resource_type:
            failure["error"]["resource_type"] = api_error.resource_type
        response = getattr(error.exception, "response", None)
        if isinstance(response, dict) and response.get("ResponseMetadata"):
            failure["response_metadata"] = camel_dict_to_snake_dict(response["ResponseMetadata"])
        failure.update(self._gather_versions())
        self.fail_json(**failure)

    def exit_with_speakers(
        self, result: Dict[str, Any], speakers: Speakers, count: int, failure: Optional[str]
    ) -> NoReturn:
        """Exit with result plus `speakers`, the count facts that speakers() yields (or fail with the message
        failure). A long list is never built where ansible-core lets it be printed speaker by speaker (see
        result_printer.py); otherwise the result gets the list, as usual."""
        if not self._result_printer.stream(speakers, count):
            result["speakers"] = list(speakers())
        if failure:
            self.fail_json(msg=failure, **result)
        self.exit_json(**result)

    @contextlib.contextmanager
    def failing_on_errors(
        self, context: str = "", speaker_ids: Collection[str] = (), placeholder: str = REDACTED_ID
    ) -> Iterator[None]:
        """The module's one error handler: bad options and failed calls end the module with a clear message (in
        which what the service said never repeats one of speaker_ids)."""
        try:
            yield
        except InvalidSpeakerIdsError as e:
            # The message names positions and rules; the values, which the user must find, only the result key.
            self.fail_json(msg=str(e), invalid=[item.as_result() for item in e.invalid])
        except InvalidParameterError as e:
            self.fail_json(msg=str(e))
        except VoiceIDError as e:
            self.fail_voiceid(e, context, speaker_ids, placeholder)
