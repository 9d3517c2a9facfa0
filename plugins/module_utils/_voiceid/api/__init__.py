# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This package is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Talking to the Voice ID service. Imports nothing of the collection but `rules.py`.

- `operations.py`: the one table of operations: default request rate, page size and result key, whether a
  rate of 0 is allowed. `limits.py`: the numbers that bound a request (attempts, timeouts, budget, breaker).
- `errors.py`: how the service's answers are classified (retryable, domain-wide, missing) and raised.
- `retry.py`: backoff between attempts. `ratelimit.py`: client-side request rates per operation.
- `transport.py`: `Transport`, how every request is sent (rate limiter, retries, breaker, stop).
- `pagination.py`: one page's request and the walk through all pages, from botocore's paginator model.
- `client.py`: `VoiceIDClient(Transport)`, the speaker calls and the domain lookups, with their answer checks;
  `domain_client.py`: `DomainClient(VoiceIDClient)`, the calls only the domain-side modules make.
- `shapes.py`: the service's answers as the modules return them (snake_case keys, ISO 8601 times).

Within the package: operations and limits import nothing; errors, retry, ratelimit and pagination import
only those; transport builds on them, the clients on transport.
"""
