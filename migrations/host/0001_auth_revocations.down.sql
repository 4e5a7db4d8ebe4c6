-- SPDX-License-Identifier: Apache-2.0
DROP TABLE portico_host.auth_revocations;
