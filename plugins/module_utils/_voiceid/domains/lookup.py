# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Voice ID domains: their facts as the modules return them, finding them, and finding one by its name (the
one lookup by name that every module uses, with one error, DomainNameError)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import Optional
from typing import Tuple

from ..api.client import VoiceIDClient
from ..api.domain_client import ApiDomain
from ..api.domain_client import DomainClient
from ..api.errors import VoiceIDError
from ..api.shapes import snake_keys
from ..rules import InvalidParameterError

DomainFacts = Dict[str, Any]

_DOMAIN_KEYS: Tuple[Tuple[str, str], ...] = (
    ("DomainId", "domain_id"),
    ("Name", "name"),
    ("DomainStatus", "domain_status"),
    ("Arn", "arn"),
    ("Description", "description"),
    ("CreatedAt", "created_at"),
    ("UpdatedAt", "updated_at"),
)

# The nested structures, each with its own keys.
_DOMAIN_STRUCTURES: Tuple[Tuple[str, str, Tuple[Tuple[str, str], ...]], ...] = (
    ("ServerSideEncryptionConfiguration", "server_side_encryption_configuration", (("KmsKeyId", "kms_key_id"),)),
    (
        "ServerSideEncryptionUpdateDetails",
        "server_side_encryption_update_details",
        (("Message", "message"), ("OldKmsKeyId", "old_kms_key_id"), ("UpdateStatus", "update_status")),
    ),
    ("WatchlistDetails", "watchlist_details", (("DefaultWatchlistId", "default_watchlist_id"),)),
)


class DomainNameError(InvalidParameterError):
    """A domain's name (the option domain_name, or voiceid_domain's name) matches no domain where one is needed,
    or more than one: the module cannot tell which domain is meant and changes nothing."""


def domain_facts(api_domain: Mapping[str, Any]) -> DomainFacts:
    """A Domain or DomainSummary of the API as the modules return it; absent fields stay absent."""
    result = snake_keys(api_domain, _DOMAIN_KEYS)
    for api_key, key, keys in _DOMAIN_STRUCTURES:
        if api_domain.get(api_key) is not None:
            result[key] = snake_keys(api_domain[api_key], keys)
    return result


def find_domains(
    client: VoiceIDClient, domain_id: Optional[str] = None, name: Optional[str] = None
) -> List[DomainFacts]:
    """The domain with this id (DescribeDomain), the domains with this name, or all domains (ListDomains);
    an empty list when none matches."""
    if domain_id is not None:
        domain = client.describe_domain(domain_id)
        return [] if domain is None else [domain_facts(domain)]
    return [domain_facts(domain) for domain in client.list_domains() if name is None or domain.get("Name") == name]


def domain_gone(error: VoiceIDError) -> bool:
    """The call failed because its domain does not exist (any more): another writer deleted it. A call on a
    domain's ARN may not say which resource is missing."""
    return error.api_error.missing_resource in ("DOMAIN", "UNKNOWN")


def add_tags(client: DomainClient, domains: List[DomainFacts]) -> List[str]:
    """Give each domain its `tags` (ListTagsForResource on its ARN); return warnings for the result.

    A caller not allowed to list tags (AccessDeniedException) still gets the domains, without `tags`, and one
    warning: an audit role allowed to read domains but not their tags keeps working. A domain deleted by
    another writer after it was listed is taken out of domains, with a warning naming its id.
    """
    warnings: List[str] = []
    for domain in list(domains):
        arn = domain.get("arn")
        if not arn:
            continue
        try:
            domain["tags"] = client.list_tags(str(arn))
        except VoiceIDError as error:
            if domain_gone(error):
                domains.remove(domain)
                warnings.append(
                    f"Domain {domain.get('domain_id')} was deleted while it was being read ({error.api_error.code}"
                    " from ListTagsForResource); it is left out"
                )
                continue
            if error.api_error.code != "AccessDeniedException":
                raise
            warnings.append(
                "The tags of the domains are left out: listing them was refused"
                f" ({error.api_error.describe()}); allow voiceid:ListTagsForResource to get them"
            )
            return warnings
    return warnings


@dataclass(frozen=True)
class NamedDomains:
    """What one ListDomains (all pages) tells about a name: the domains that have it, in the order listed, and
    how many domains the account and region hold in all."""

    name: str
    matches: Tuple[ApiDomain, ...]
    total: int
    account: Optional[str] = None  # the account's id, as the domains' ARNs tell it (None when there are none)

    @property
    def ids(self) -> str:
        """The ids of the matches, for a message that asks the user to pick one."""
        return ", ".join(str(domain.get("DomainId")) for domain in self.matches)


def find_domains_named(client: VoiceIDClient, name: str) -> NamedDomains:
    """The one lookup of a domain by its name (ListDomains, all pages; names are matched exactly). Each caller
    decides what none or several matches mean for its task, and raises DomainNameError when it cannot go on."""
    domains = list(client.list_domains())
    accounts = {account_of(domain.get("Arn")) for domain in domains} - {None}
    return NamedDomains(
        name,
        tuple(domain for domain in domains if domain.get("Name") == name),
        len(domains),
        accounts.pop() if len(accounts) == 1 else None,
    )


def account_of(arn: object) -> Optional[str]:
    """The account id of an ARN (arn:partition:service:region:account:resource), None if it has none."""
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[4] if len(parts) > 5 and parts[0] == "arn" and parts[4].isdigit() else None


def where(region: Optional[str], account: Optional[str] = None) -> str:
    """Where domains were looked for, for messages: the account (when known) and the region."""
    if region is None:
        return f"account {account} and this region" if account else "this account and region"
    return f"account {account}, region {region}" if account else f"region {region} of this account"


def resolve_domain_id(client: VoiceIDClient, domain_id: Optional[str] = None, domain_name: Optional[str] = None) -> str:
    """domain_id as it is, or the id of the one domain whose name is domain_name.

    Raises DomainNameError when the name matches no domain or more than one, InvalidParameterError when
    neither is given (as with ``domain_id: null`` in a task, which the argument spec lets through).
    """
    if domain_id is not None:
        return domain_id
    if domain_name is None:
        raise InvalidParameterError("one of domain_id and domain_name is required")
    found = find_domains_named(client, domain_name)
    if not found.matches:
        raise DomainNameError(
            f"domain_name '{domain_name}' matches no Voice ID domain in {where(client.region, found.account)}"
            f" ({found.total} domains listed)"
        )
    if len(found.matches) > 1:
        raise DomainNameError(
            f"domain_name '{domain_name}' matches {len(found.matches)} domains (ids {found.ids}); use domain_id"
        )
    return str(found.matches[0]["DomainId"])
