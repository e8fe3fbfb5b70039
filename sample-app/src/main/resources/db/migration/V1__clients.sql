-- The sample's clients, and an audit trail of every access to one client's record.

CREATE TABLE clients (
	id         bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name       varchar(100) NOT NULL,
	email      varchar(254) NOT NULL,
	phone      varchar(32),
	created_at timestamptz  NOT NULL DEFAULT now(),
	updated_at timestamptz  NOT NULL DEFAULT now()
);

-- Addresses that differ only in case reach the same mailbox in practice, so uniqueness ignores
-- case. The index, not a look-up before the insert, decides: it is the one check that holds
-- under concurrent requests. The API turns its violation into 409 Conflict.
CREATE UNIQUE INDEX clients_email_key ON clients (lower(email));

-- Who saw or changed which client, and when: personal data usually has to keep such a trail.
-- No foreign key, so that the history of a deleted client outlives it.
CREATE TABLE client_audit (
	id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	client_id bigint      NOT NULL,
	action    varchar(10) NOT NULL CHECK (action IN ('CREATED', 'VIEWED', 'UPDATED', 'DELETED')),
	at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX client_audit_client_id_at ON client_audit (client_id, at);

-- 10,000 clients, the same on every run: client n has id n, a name from two fixed lists,
-- an address made unique by n, and was created n hours after 2024-01-01 UTC. One statement
-- with generate_series takes well under a second, so a new database is ready at once.
INSERT INTO clients (name, email, phone, created_at, updated_at)
SELECT first_name || ' ' || last_name,
	lower(first_name || '.' || last_name || '.' || lpad(n::text, 5, '0')) || '@example.com',
	'+1 555 ' || lpad(n::text, 7, '0'),
	created,
	created
FROM generate_series(1, 10000) AS n
CROSS JOIN LATERAL (
	SELECT (ARRAY['Alice', 'Bruno', 'Chloe', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas',
			'Kavya', 'Liam', 'Maya', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tara'])[1 + n % 20] AS first_name,
		(ARRAY['Andersen', 'Becker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hughes', 'Ivanova',
			'Jensen', 'Kowalski', 'Laurent', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Rossi', 'Silva', 'Tanaka',
			'Weber'])[1 + (n / 20) % 20] AS last_name,
		timestamptz '2024-01-01 00:00:00+00' + n * interval '1 hour' AS created
) AS generated
ORDER BY n;
