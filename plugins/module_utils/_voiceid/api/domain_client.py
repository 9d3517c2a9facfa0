# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The calls only the domain-side modules make (create, change, tag and delete domains, read their watchlists
and fraudsters). DomainClient extends VoiceIDClient, whose domain lookups (DescribeDomain, ListDomains) these
modules need too; both send through the same Transport."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Iterator
from typing import List
from typing import Optional

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from .client import VoiceIDClient
from .errors import DomainErrorHandler
from .errors import deleted_unless_missing
from .errors import handles_errors
from .pagination import all_items
from .pagination import page_request

ApiDomain = Dict[str, Any]


class DomainClient(VoiceIDClient):
    """VoiceIDClient with the calls that create, change, tag and delete domains and read their watchlists."""

    retried_item = "request"

    @handles_errors("create domain")
    def create_domain(
        self,
        name: str,
        kms_key_id: str,
        client_token: str,
        description: Optional[str] = None,
        tags: Optional[Dict[str, str]] = None,
    ) -> ApiDomain:
        """The new domain. client_token makes retries of this one request create one domain only."""
        params: Dict[str, Any] = {
            "Name": name,
            "ServerSideEncryptionConfiguration": {"KmsKeyId": kms_key_id},
            "ClientToken": client_token,
        }
        if description:
            params["Description"] = description
        if tags:
            params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
        domain: ApiDomain = self._ask("create_domain", **params)["Domain"]
        return domain

    @handles_errors("update domain")
    def update_domain(self, domain_id: str, name: str, kms_key_id: str, description: Optional[str]) -> ApiDomain:
        """UpdateDomain replaces the description: None (or empty) removes it."""
        params: Dict[str, Any] = {
            "DomainId": domain_id,
            "Name": name,
            "ServerSideEncryptionConfiguration": {"KmsKeyId": kms_key_id},
        }
        if description:
            params["Description"] = description
        domain: ApiDomain = self._ask("update_domain", **params)["Domain"]
        return domain

    @deleted_unless_missing("delete domain", DomainErrorHandler)
    def delete_domain(self, domain_id: str) -> bool:
        """True once deleted; False when the domain did not exist (any more)."""
        self._ask("delete_domain", DomainId=domain_id)
        return True

    @handles_errors("list the tags of domain")
    def list_tags(self, arn: str) -> Dict[str, str]:
        # Not amazon.aws's boto3_tag_list_to_ansible_dict: it reads a tag without its Key as no tag at all, where
        # the answer check fails (a broken answer must never pass for fewer tags).
        tags = self._ask("list_tags_for_resource", ResourceArn=arn)["Tags"]
        return {str(tag["Key"]): str(tag["Value"]) for tag in tags}

    @handles_errors("tag domain")
    def tag_resource(self, arn: str, tags: Dict[str, str]) -> None:
        self._ask("tag_resource", ResourceArn=arn, Tags=ansible_dict_to_boto3_tag_list(tags))

    @handles_errors("untag domain")
    def untag_resource(self, arn: str, keys: List[str]) -> None:
        self._ask("untag_resource", ResourceArn=arn, TagKeys=list(keys))

    @handles_errors("list watchlists")
    def list_watchlists_page(self, domain_id: str, next_token: Optional[str] = None) -> Dict[str, Any]:
        return self._ask("list_watchlists", **page_request("list_watchlists", next_token, DomainId=domain_id))

    @handles_errors("list fraudsters")
    def list_fraudsters_page(
        self, domain_id: str, watchlist_id: Optional[str] = None, next_token: Optional[str] = None
    ) -> Dict[str, Any]:
        params = page_request("list_fraudsters", next_token, DomainId=domain_id, WatchlistId=watchlist_id or None)
        return self._ask("list_fraudsters", **params)

    def list_watchlists(self, domain_id: str) -> Iterator[Dict[str, Any]]:
        return all_items("list_watchlists", lambda token: self.list_watchlists_page(domain_id, token))

    def list_fraudsters(self, domain_id: str, watchlist_id: Optional[str] = None) -> Iterator[Dict[str, Any]]:
        return all_items("list_fraudsters", lambda token: self.list_fraudsters_page(domain_id, watchlist_id, token))
