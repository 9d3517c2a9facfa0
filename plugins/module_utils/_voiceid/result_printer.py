# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Printing a module result whose `speakers` list is long speaker by speaker, never as one JSON string.

A bulk result may list 100,000 speakers (27 MB of JSON). ansible-core builds the JSON of the whole result and
holds it three times (the string, its formatted copy, its encoded bytes); printed here speaker by speaker with
the encoder ansible-core would use, it is never held at all, and the speakers are made as they are printed.

This leans on PRIVATE names of ansible-core, which may change in any release:

- `AnsibleModule._record_module_result`, the hook that prints a module's result (2.19 and later), replaced here;
- `ansible.module_utils.basic._json.get_module_encoder`, `basic._ANSIBLE_PROFILE` and
  `basic._json.Direction.MODULE_TO_CONTROLLER`, which give the JSON encoder ansible-core prints results with.

So it is used only when ansible-core says it is 2.19 or later (`ansible_release.__version__`) and every one of
those names is there; otherwise ansible-core prints the result as usual, the whole list at once. Either way the
module prints the same result.
"""

from __future__ import annotations

import gc
import json
import re
import sys
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import Iterator
from typing import Optional
from typing import Tuple

from ansible.module_utils.common.parameters import remove_values

# Results listing more speakers than this are printed speaker by speaker.
STREAM_FROM = 1000
# The first ansible-core release with the result hook and the encoder this module relies on.
FIRST_CORE_VERSION = (2, 19)

Speakers = Callable[[], Iterator[Dict[str, Any]]]

# The module exits right after printing a streamed result. The interpreter's last garbage collection would then
# walk every object of the run (half a second with 10,000 speakers) only for the process to end: gc.freeze()
# leaves them to the exit. (The unit tests, whose process goes on, replace it.)
before_exit: Callable[[], None] = gc.freeze


def core_version() -> Tuple[int, ...]:
    """ansible-core's version as numbers ((2, 21, 0)); () when it cannot be told."""
    try:
        from ansible.module_utils.ansible_release import __version__  # pylint: disable=import-outside-toplevel
    except ImportError:
        return ()
    match = re.match(r"\d+(\.\d+)*", str(__version__))
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


def module_encoder() -> Any:
    """The JSON encoder ansible-core prints module results with; None before 2.19 or when its private names are
    not there."""
    if core_version() < FIRST_CORE_VERSION:
        return None
    try:
        from ansible.module_utils import basic  # pylint: disable=import-outside-toplevel

        return basic._json.get_module_encoder(basic._ANSIBLE_PROFILE, basic._json.Direction.MODULE_TO_CONTROLLER)
    except (AttributeError, ImportError, ValueError):
        return None


def without_no_log_values(speaker: Dict[str, Any], no_log_values: Iterable[str]) -> Dict[str, Any]:
    """remove_values(speaker, no_log_values), as ansible-core filters a result, quick for what a speaker's facts
    are: a flat dict of strings (and numbers, booleans, None) in which no no_log value occurs, returned as it is.
    Anything else goes through remove_values. (remove_values walks every value in pure Python: half of the
    printing time of 10,000 speakers.)"""
    texts = []
    for value in speaker.values():
        if value is None or value is True or value is False:
            continue
        if type(value) is str:  # pylint: disable=unidiomatic-typecheck # a subclass (tagged) goes the long way
            texts.append(value)
        elif type(value) in (int, float):
            texts.append(str(value))
        else:
            return remove_values(speaker, no_log_values)  # type: ignore[no-any-return]
    joined = "\0".join(texts)  # a value met across the separator only sends the speaker the long way
    if any(omit in joined for omit in no_log_values):
        return remove_values(speaker, no_log_values)  # type: ignore[no-any-return]
    return speaker


class ResultPrinter:
    """Replaces the result hook of one AnsibleModule (the one inside AnsibleAWSModule), where there is one."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.speakers: Optional[Speakers] = None  # set by stream(): what makes the speakers print_result prints
        self._as_usual: Optional[Callable[[Dict[str, Any]], None]] = None
        if core_version() >= FIRST_CORE_VERSION:
            self._as_usual = getattr(module, "_record_module_result", None)
        if self._as_usual is not None:
            module._record_module_result = self.print_result

    def stream(self, speakers: Speakers, count: int) -> bool:
        """Whether the count speakers that speakers() yields will be printed one by one as they are made (the
        caller then leaves them out of the result); False when the list is short or ansible-core prints it."""
        if count >= STREAM_FROM and self._as_usual is not None and module_encoder() is not None:
            self.speakers = speakers
            return True
        return False

    def print_result(self, o: Dict[str, Any]) -> None:
        """The hook: prints o, with the speakers of stream() (each filtered for no_log values here, as ansible-core
        filters a result) or its own long `speakers` list (filtered by ansible-core already) one by one. Anything
        else is printed as usual."""
        streamed, self.speakers = self.speakers, None
        speakers: Optional[Iterable[Dict[str, Any]]] = None
        if streamed is not None:
            no_log_values = self._module.no_log_values
            speakers = (without_no_log_values(speaker, no_log_values) for speaker in streamed())
        elif isinstance(o.get("speakers"), list) and len(o["speakers"]) >= STREAM_FROM:
            speakers = o["speakers"]
        encoder = module_encoder()
        if encoder is None or speakers is None:
            if self._as_usual is not None:
                self._as_usual(o)
            return
        rest = json.dumps({key: value for key, value in o.items() if key != "speakers"}, cls=encoder)
        out = sys.stdout
        out.write("\n")
        out.write(rest[:-1] + (", " if len(rest) > 2 else "") + '"speakers": [')
        for index, speaker in enumerate(speakers):
            if index:
                out.write(", ")
            out.write(json.dumps(speaker, cls=encoder))
        out.write("]}\n")
        out.flush()
        before_exit()
