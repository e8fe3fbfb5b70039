package dev.poolguard.sample;

import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The SQL of the clients API, one statement per method, in plain sight: the sample exists
 * to show what a pool does under a real workload, so the workload should be easy to read
 * and to reproduce with {@code psql}.
 *
 * @author PoolGuard
 */
@Repository
class ClientRepository {

	private static final String COLUMNS = "id, name, email, phone, created_at, updated_at";

	private static final RowMapper<Client> CLIENT = (row, rowNumber) -> new Client(row.getLong("id"),
			row.getString("name"), row.getString("email"), row.getString("phone"),
			row.getObject("created_at", OffsetDateTime.class), row.getObject("updated_at", OffsetDateTime.class));

	private final JdbcClient jdbc;

	ClientRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	List<Client> findPage(int limit, long offset) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM clients ORDER BY id LIMIT :limit OFFSET :offset")
			.param("limit", limit)
			.param("offset", offset)
			.query(CLIENT)
			.list();
	}

	long count() {
		return this.jdbc.sql("SELECT count(*) FROM clients").query(Long.class).single();
	}

	Optional<Client> findById(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM clients WHERE id = :id")
			.param("id", id)
			.query(CLIENT)
			.optional();
	}

	// The phone is typed because it may be null: for a null of unknown type Spring asks the
	// driver for the statement's parameter types, one more round trip to the server.
	Client insert(ClientRequest request) {
		return this.jdbc
			.sql("INSERT INTO clients (name, email, phone) VALUES (:name, :email, :phone) RETURNING " + COLUMNS)
			.param("name", request.name())
			.param("email", request.email())
			.param("phone", request.phone(), Types.VARCHAR)
			.query(CLIENT)
			.single();
	}

	Optional<Client> update(long id, ClientRequest request) {
		return this.jdbc
			.sql("UPDATE clients SET name = :name, email = :email, phone = :phone, updated_at = now()"
					+ " WHERE id = :id RETURNING " + COLUMNS)
			.param("name", request.name())
			.param("email", request.email())
			.param("phone", request.phone(), Types.VARCHAR)
			.param("id", id)
			.query(CLIENT)
			.optional();
	}

	boolean delete(long id) {
		return this.jdbc.sql("DELETE FROM clients WHERE id = :id").param("id", id).update() == 1;
	}

	void audit(long clientId, AuditAction action) {
		this.jdbc.sql("INSERT INTO client_audit (client_id, action) VALUES (:clientId, :action)")
			.param("clientId", clientId)
			.param("action", action.name())
			.update();
	}

	/**
	 * What happened to a client, as recorded in {@code client_audit}.
	 */
	enum AuditAction {

		CREATED, VIEWED, UPDATED, DELETED

	}

}
