# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state's data types: a domain with its speakers (indexed for paging), watchlists and fraudsters.

Plain data with their API and state-view shapes; no locking policy beyond the domain's own lock, no seeding."""

from __future__ import annotations

import bisect
import dataclasses
import threading
import typing as t

DOMAIN_STATUSES = ("ACTIVE", "PENDING", "SUSPENDED")
SPEAKER_STATUSES = ("ENROLLED", "EXPIRED", "OPTED_OUT", "PENDING")
DOMAIN_ID_PATTERN = "^[a-zA-Z0-9]{22}$"
CUSTOMER_ID_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9_-]*$"
GENERATED_ID_PATTERN = "^id#[a-zA-Z0-9]{22}$"
DOMAIN_NAME_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9_-]*$"
DEFAULT_ACCOUNT_ID = "123456789012"
SSE_UPDATE_STATUSES = ("IN_PROGRESS", "COMPLETED", "FAILED")
ACCOUNT_ID_PATTERN = "^[0-9]{12}$"
REGION_PATTERN = "^[a-z0-9-]+$"
WATCHLIST_NAME_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9_-]*$"
# AWS does not document the default watchlist's name; this one satisfies the model's WatchlistName pattern.
DEFAULT_WATCHLIST_NAME = "Default"
MAX_TAGS = 200  # tags on a resource (Voice ID API reference: Tag, TagResource)
DEFAULT_WATCHLIST_DESCRIPTION = "Default watchlist"


@dataclasses.dataclass(slots=True)
class Speaker:
    domain_id: str
    customer_speaker_id: str | None
    generated_speaker_id: str
    status: str
    created_at: float
    updated_at: float
    last_accessed_at: float | None = None
    seq: int = 0
    # Eventual consistency of ListSpeakers (realism): the view it shows until ``changed_at`` is ``lag`` old
    # (None: the speaker is not listed yet), and whether the speaker is a deleted one still listed.
    listed: dict[str, t.Any] | None = None
    changed_at: float = float("-inf")
    deleted: bool = False

    def to_api(self) -> dict[str, t.Any]:
        """The Speaker / SpeakerSummary shape."""
        document: dict[str, t.Any] = {
            "CreatedAt": self.created_at,
            "DomainId": self.domain_id,
            "GeneratedSpeakerId": self.generated_speaker_id,
            "Status": self.status,
            "UpdatedAt": self.updated_at,
        }
        if self.customer_speaker_id is not None:
            document["CustomerSpeakerId"] = self.customer_speaker_id
        if self.last_accessed_at is not None:
            document["LastAccessedAt"] = self.last_accessed_at
        return document

    def to_state(self) -> dict[str, t.Any]:
        return {
            "customer_speaker_id": self.customer_speaker_id,
            "generated_speaker_id": self.generated_speaker_id,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "last_accessed_at": self.last_accessed_at,
        }


class SpeakerIndex:
    """Speakers of one domain, indexed by both ids and kept in a stable (creation) order for paging.

    ``order`` holds the speakers' sequence numbers, always sorted, so a page is a bisect plus a slice.
    """

    def __init__(self) -> None:
        self.by_customer: dict[str, Speaker] = {}
        self.by_generated: dict[str, Speaker] = {}
        self.by_seq: dict[int, Speaker] = {}
        self.order: list[int] = []
        self.next_seq = 1

    def __len__(self) -> int:
        return len(self.by_generated)

    def __iter__(self) -> t.Iterator[Speaker]:
        return (self.by_seq[seq] for seq in self.order if not self.by_seq[seq].deleted)

    def add(self, speaker: Speaker, now: float | None = None) -> None:
        """Add a speaker; with ``now`` (realism), ListSpeakers shows it only once the lag has passed."""
        speaker.seq = self.next_seq
        self.next_seq += 1
        self.by_generated[speaker.generated_speaker_id] = speaker
        if speaker.customer_speaker_id is not None:
            self.by_customer[speaker.customer_speaker_id] = speaker
        self.by_seq[speaker.seq] = speaker
        self.order.append(speaker.seq)
        if now is not None:
            speaker.listed = None
            speaker.changed_at = now

    @staticmethod
    def before_change(speaker: Speaker, now: float, lag: float) -> None:
        """Call before changing a speaker: ListSpeakers keeps showing its settled view for ``lag`` seconds."""
        if lag <= 0:
            return
        if now - speaker.changed_at >= lag:
            speaker.listed = speaker.to_api()
        speaker.changed_at = now

    def remove(self, speaker: Speaker, now: float | None = None, lag: float = 0.0) -> None:
        """Remove a speaker; with a lag (realism), ListSpeakers shows it for ``lag`` seconds more."""
        del self.by_generated[speaker.generated_speaker_id]
        if speaker.customer_speaker_id is not None:
            self.by_customer.pop(speaker.customer_speaker_id, None)
        if now is not None and lag > 0:
            self.before_change(speaker, now, lag)
            speaker.deleted = True
            return
        self._forget(speaker)

    def _forget(self, speaker: Speaker) -> None:
        del self.by_seq[speaker.seq]
        position = bisect.bisect_left(self.order, speaker.seq)
        del self.order[position]

    def find(self, speaker_id: str) -> Speaker | None:
        """A speaker named by either its generated id (``id#...``) or its customer id."""
        if speaker_id.startswith("id#"):
            return self.by_generated.get(speaker_id)
        return self.by_customer.get(speaker_id)

    def page(
        self, after_seq: int, limit: int, now: float = 0.0, lag: float = 0.0
    ) -> tuple[list[tuple[int, dict[str, t.Any]]], bool]:
        """Up to ``limit`` (seq, SpeakerSummary) created after ``after_seq`` as ListSpeakers sees them ``lag``
        seconds behind, and whether more entries follow."""
        start = bisect.bisect_right(self.order, after_seq)
        if lag <= 0:
            seqs = self.order[start : start + limit]
            return [(seq, self.by_seq[seq].to_api()) for seq in seqs], start + limit < len(self.order)
        views: list[tuple[int, dict[str, t.Any]]] = []
        settled_ghosts: list[Speaker] = []
        position = start
        while position < len(self.order) and len(views) < limit:
            speaker = self.by_seq[self.order[position]]
            position += 1
            if now - speaker.changed_at >= lag:
                if speaker.deleted:
                    settled_ghosts.append(speaker)
                else:
                    views.append((speaker.seq, speaker.to_api()))
            elif speaker.listed is not None:
                views.append((speaker.seq, dict(speaker.listed)))
        more = position < len(self.order)
        for ghost in settled_ghosts:
            self._forget(ghost)
        return views, more


@dataclasses.dataclass(slots=True)
class Watchlist:
    watchlist_id: str
    domain_id: str
    name: str
    default: bool
    created_at: float
    updated_at: float
    description: str | None = None
    seq: int = 0  # creation order in the domain, watchlists and fraudsters alike (Domain.add_watchlist): the paging

    def to_api(self) -> dict[str, t.Any]:
        """The WatchlistSummary shape."""
        document: dict[str, t.Any] = {
            "CreatedAt": self.created_at,
            "DefaultWatchlist": self.default,
            "DomainId": self.domain_id,
            "Name": self.name,
            "UpdatedAt": self.updated_at,
            "WatchlistId": self.watchlist_id,
        }
        if self.description is not None:
            document["Description"] = self.description
        return document

    def to_state(self) -> dict[str, t.Any]:
        return {
            "watchlist_id": self.watchlist_id,
            "name": self.name,
            "description": self.description,
            "default_watchlist": self.default,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclasses.dataclass(slots=True)
class Fraudster:
    generated_fraudster_id: str
    domain_id: str
    watchlist_ids: list[str]
    created_at: float
    seq: int = 0  # creation order in the domain (Domain.add_fraudster): the paging position of ListFraudsters

    def to_api(self) -> dict[str, t.Any]:
        """The FraudsterSummary shape."""
        return {
            "CreatedAt": self.created_at,
            "DomainId": self.domain_id,
            "GeneratedFraudsterId": self.generated_fraudster_id,
            "WatchlistIds": list(self.watchlist_ids),
        }

    def to_state(self) -> dict[str, t.Any]:
        return {
            "generated_fraudster_id": self.generated_fraudster_id,
            "watchlist_ids": list(self.watchlist_ids),
            "created_at": self.created_at,
        }


@dataclasses.dataclass
class Domain:
    domain_id: str
    name: str
    status: str
    account_id: str
    region: str
    kms_key_id: str
    watchlist_id: str
    created_at: float
    updated_at: float
    description: str | None = None
    sse_update_details: dict[str, t.Any] | None = None
    tags: dict[str, str] = dataclasses.field(default_factory=dict)
    speakers: SpeakerIndex = dataclasses.field(default_factory=SpeakerIndex)
    watchlists: dict[str, Watchlist] = dataclasses.field(default_factory=dict)
    fraudsters: dict[str, Fraudster] = dataclasses.field(default_factory=dict)
    seq: int = 0
    content_seq: int = 0  # the last sequence number given to a watchlist or fraudster of the domain
    # A KMS re-encryption in progress: when it ends, and the Message it ends with (None: COMPLETED).
    sse_due: float | None = None
    sse_failure: str | None = None
    deleted_at: float | None = None
    # Guards the domain's speakers, watchlists and fraudsters; the store's lock guards which domains exist and
    # their own fields. Always take the store's lock first when both are needed.
    lock: threading.RLock = dataclasses.field(default_factory=threading.RLock, compare=False, repr=False)

    @property
    def arn(self) -> str:
        return f"arn:aws:voiceid:{self.region}:{self.account_id}:domain/{self.domain_id}"

    @property
    def scope(self) -> tuple[str, str]:
        return (self.account_id, self.region)

    def settle(self, now: float) -> None:
        """Finish a KMS re-encryption whose time has come (IN_PROGRESS -> COMPLETED or FAILED)."""
        if self.sse_due is None or now < self.sse_due or self.sse_update_details is None:
            return
        details = dict(self.sse_update_details)
        if self.sse_failure is None:
            details["UpdateStatus"] = "COMPLETED"
        else:
            details["UpdateStatus"] = "FAILED"
            details["Message"] = self.sse_failure
        self.sse_update_details = details
        self.sse_due = None
        self.sse_failure = None

    def add_watchlist(self, watchlist: Watchlist) -> Watchlist:
        """Add a watchlist after the others (ListWatchlists pages in this order, by sequence number)."""
        self.content_seq += 1
        watchlist.seq = self.content_seq
        self.watchlists[watchlist.watchlist_id] = watchlist
        return watchlist

    def add_fraudster(self, fraudster: Fraudster) -> Fraudster:
        """Add a fraudster after the others (ListFraudsters pages in this order, by sequence number)."""
        self.content_seq += 1
        fraudster.seq = self.content_seq
        self.fraudsters[fraudster.generated_fraudster_id] = fraudster
        return fraudster

    @property
    def encryption_update_in_progress(self) -> bool:
        return self.sse_update_details is not None and self.sse_update_details.get("UpdateStatus") == "IN_PROGRESS"

    def tag_list(self) -> list[dict[str, str]]:
        return [{"Key": key, "Value": value} for key, value in self.tags.items()]

    def to_api(self) -> dict[str, t.Any]:
        """The Domain / DomainSummary shape."""
        document: dict[str, t.Any] = {
            "Arn": self.arn,
            "CreatedAt": self.created_at,
            "DomainId": self.domain_id,
            "DomainStatus": self.status,
            "Name": self.name,
            "ServerSideEncryptionConfiguration": {"KmsKeyId": self.kms_key_id},
            "UpdatedAt": self.updated_at,
            "WatchlistDetails": {"DefaultWatchlistId": self.watchlist_id},
        }
        if self.description is not None:
            document["Description"] = self.description
        if self.sse_update_details is not None:
            document["ServerSideEncryptionUpdateDetails"] = dict(self.sse_update_details)
        return document

    def to_state(self, include_speakers: bool = True) -> dict[str, t.Any]:
        document: dict[str, t.Any] = {
            "domain_id": self.domain_id,
            "name": self.name,
            "description": self.description,
            "status": self.status,
            "account_id": self.account_id,
            "region": self.region,
            "arn": self.arn,
            "kms_key_id": self.kms_key_id,
            "watchlist_id": self.watchlist_id,
            "server_side_encryption_update_details": self.sse_update_details,
            "tags": self.tag_list(),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "speaker_count": len(self.speakers),
            "watchlists": [watchlist.to_state() for watchlist in self.watchlists.values()],
            "fraudsters": [fraudster.to_state() for fraudster in self.fraudsters.values()],
        }
        if self.deleted_at is not None:
            document["deleted_at"] = self.deleted_at
        if include_speakers:
            document["speakers"] = [speaker.to_state() for speaker in self.speakers]
        return document


Scope = tuple[str, str]  # (account id, region): where a domain lives
