# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This doc fragment is PRIVATE to the speakerops.voiceid collection. It may change without notice.
# Do not use it from other collections.

from __future__ import annotations


class ModuleDocFragment:
    # Attribute descriptions, used together with one of the support fragments below.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in
      diff mode.
  action_group:
    description: Use C(group/speakerops.voiceid.aws) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - speakerops.voiceid.aws
notes:
  - AWS ended support for Amazon Connect Voice ID on 2026-05-20. Since then Voice ID resources can no longer
    be accessed and calls to the service fail; the modules still work against the local emulator for tests.
  - Speaker ids are personal data (AWS marks them sensitive). Use C(no_log) on tasks whose logs leave the team.
  - Internal server errors and conflicts of type C(CONCURRENT_CHANGES) are retried with jittered exponential
    backoff, up to 10 attempts per request.
  - A throttled request is retried with the same backoff for as long as the task runs, and never counts as one
    of those attempts. The module slows down an operation that the service throttles (each throttled answer
    cuts its rate to 80 percent) and speeds it up again on success, back to its O(request_rates) value.
  - Each attempt of a request times out after 5 seconds to connect and 10 seconds to read (set
    O(aws_config) keys C(connect_timeout) and C(read_timeout) to change them), and a request gives up after
    60 seconds of attempts (the time it waits for its turn under O(request_rates), or after throttled
    answers, is not counted). When no request of a task gets an answer, the task fails after three attempts
    instead of retrying every request.
"""

    # The domain a module works in, for every module that takes one. voiceid_domain_info, where both are
    # optional filters, says so in its own description.
    DOMAIN = r"""
options:
  domain_id:
    description:
      - The identifier of the Voice ID domain, 22 letters or digits.
      - Exactly one of O(domain_id) and O(domain_name) is required, except in
        M(speakerops.voiceid.voiceid_domain_info), where either is an optional filter.
    type: str
  domain_name:
    description:
      - The name of the Voice ID domain (1 to 256 letters, digits, C(_) or C(-), starting with a letter or digit),
        looked up with C(ListDomains) in the account and region before any other call.
      - Voice ID does not make domain names unique. A module that works in one domain fails, before any other
        call, when no domain or more than one domain has this name, and names the ids it found.
      - Exactly one of O(domain_id) and O(domain_name) is required, except in
        M(speakerops.voiceid.voiceid_domain_info), where either is an optional filter.
    type: str
"""

    # request_rates means the same in every module; each module lists, as suboptions, only the operations it calls.
    REQUEST_RATES = r"""
options:
  request_rates:
    description:
      - The most requests per second the module sends of each operation it calls, one suboption per operation.
        An operation left unset keeps AWS's default quota, or 2 where AWS publishes none (the lowest Voice ID
        quota). Raise them for an account whose Voice ID quotas AWS raised.
      - Each rate is a number from 0.01 to 10000. Only C(list_speakers), in M(speakerops.voiceid.voiceid_speaker)
        and M(speakerops.voiceid.voiceid_speaker_optout), may also be V(0), to read with C(DescribeSpeaker) alone.
      - Quotas are per account and region, shared by every client; lower the rates when other tasks or
        applications call the same operations at the same time. Throttled requests are retried all the same, and
        the module lowers the rate of an operation the service throttles.
    type: dict
"""

    # What voiceid_speaker and voiceid_speaker_optout do with invalid ids of speaker_ids (argspec.py's SPEAKER_SPEC).
    ON_INVALID = r"""
options:
  on_invalid:
    description:
      - What to do with ids of O(speaker_ids) that break the service's rules (checked before any call).
      - V(fail) fails the task before any call. Its message names the positions of the invalid ids (the first
        20, as in C(speaker_ids[3])) and the rule each breaks, never their values; RV(invalid) lists them.
      - V(skip) leaves them out, warns by position, and goes on with the valid ids. RV(invalid) lists them and
        RV(summary) counts them; RV(speakers) has no entry for them.
      - An invalid O(speaker_id) always fails the task.
    type: str
    choices: [fail, skip]
    default: fail
"""

    # The durable write journal (module_utils/_voiceid/journal.py) of the modules that write.
    JOURNAL = r"""
options:
  journal:
    description:
      - A file on the host that runs the module where the task writes down, as it goes, each write it makes,
        so that the record survives an interrupted run (Ctrl-C, C(kill -9) of C(ansible-playbook), a crash of
        the controller), which the module's result does not.
      - JSON Lines, appended to (never truncated), created with mode C(0600) (an existing file keeps its mode).
        Each line is written and flushed to disk (C(fsync)) before the run goes on.
      - Each line has C(time) (ISO 8601, UTC), C(run) (an id of this task's run), C(event), C(operation) (the
        API operation, for example C(OptOutSpeaker)), C(domain_id) and, for speakers, C(speaker_id) as sent
        (in M(speakerops.voiceid.voiceid_domain), C(name), the domain's; in M(speakerops.voiceid.voiceid_watchlist),
        C(watchlist_id) and C(name), the watchlist's).
        Events are C(start) (the module, the state, the counts requested; no speaker id), C(sent) (written
        before a write request leaves), C(done) (the service confirmed the write), C(failed) (with C(error),
        the error code), C(progress) (counts so far, about every 10 seconds) and C(end) (the run's counts).
      - Every write the service carried out has a C(done) line, or a C(sent) line without C(done) when its
        answer never arrived; no write the service did not carry out has a C(done) line.
      - Check mode journals no write, only C(start) and C(end).
      - The directory must exist. A path that cannot be opened for appending and written fails the task
        before any call to the service.
      - The journal holds speaker ids, which are personal data. Keep it where the task's other evidence is
        kept, and delete it with that evidence.
    type: path
"""

    # Should be used together with the standard fragment.
    WRITE_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

    # Should be used together with the standard fragment.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
"""
