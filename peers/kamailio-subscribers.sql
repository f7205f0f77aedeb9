-- b.test subscribers; Kamailio computes HA1 from the plain password (calculate_ha1).
-- carol exists but the tests never register her (lookup failure -> 480, not 404).
INSERT INTO subscriber (username, domain, password) VALUES ('bob', 'b.test', 'bob-secret');
INSERT INTO subscriber (username, domain, password) VALUES ('carol', 'b.test', 'carol-secret');
