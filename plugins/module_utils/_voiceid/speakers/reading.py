# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Reading the speakers of a domain: one by id, or all of them, filtered by status while the pages stream by."""

from __future__ import annotations

from typing import Collection
from typing import Iterable
from typing import List
from typing import Optional

from ..api.client import ApiSpeaker
from ..api.client import VoiceIDClient
from ..api.operations import page_size
from .facts import SpeakerFacts
from .facts import speaker_facts

LIST_SPEAKERS_PAGE_SIZE = page_size("list_speakers")  # the most ListSpeakers returns per page


def find_speakers(
    client: VoiceIDClient,
    domain_id: str,
    speaker_id: Optional[str] = None,
    statuses: Optional[Collection[str]] = None,
) -> List[SpeakerFacts]:
    """The speaker with this id (customer or generated; DescribeSpeaker), or every speaker of the domain
    (ListSpeakers, all pages), keeping only those whose status is in statuses when statuses are given.

    An unknown speaker gives an empty list; an unknown domain raises VoiceIDError. Only one page of
    ListSpeakers is held at a time: speakers are filtered as they arrive.
    """
    if speaker_id is not None:
        speaker = client.describe_speaker(domain_id, speaker_id)
        found: Iterable[ApiSpeaker] = [] if speaker is None else [speaker]
    else:
        found = client.list_speakers(domain_id, page_size=LIST_SPEAKERS_PAGE_SIZE)
    return [speaker_facts(speaker) for speaker in found if not statuses or speaker.get("Status") in statuses]
