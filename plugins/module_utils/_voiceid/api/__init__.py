# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This package is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Talking to the Voice ID service. Imports nothing of the collection but `rules.py`.

- `errors.py`: how the service's answers are classified (retryable, domain-wide, missing) and raised.
- `retry.py`: backoff between attempts. `ratelimit.py`: client-side request rates per operation.
- `client.py`: `VoiceIDClient`, every call with its retries, rate limit, breaker and answer checks;
  `domain_client.py`: the calls of the domain-side modules.
- `shapes.py`: the service's answers as the modules return them.
"""
