package dev.poolguard.sample;

import java.util.List;

import dev.poolguard.sample.ClientRepository.AuditAction;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The clients API's work, seed 004's workload: every request runs two statements, in one
 * transaction but for get, so it borrows one connection from the pool and holds it for both
 * statements and the commit, as a typical CRUD service does. List and get are read-only:
 * with a read replica ({@code POOLGUARD_REPLICA_URL}) PoolGuard sends them to it. That hold time, times the request rate, is
 * the load that sizes a pool (Little's law).
 *
 * <ul>
 * <li>list: the page, and the count of all clients for its total;</li>
 * <li>create, update, delete: the statement itself, and a row in {@code client_audit}, the
 * access trail that personal data usually needs;</li>
 * <li>get: the client in a read-only transaction, then its {@code client_audit} row in a
 * transaction of its own.</li>
 * </ul>
 *
 * @author PoolGuard
 */
@Service
class ClientService {

	private final ClientRepository repository;

	ClientService(ClientRepository repository) {
		this.repository = repository;
	}

	/**
	 * One page of clients and the total. The transaction keeps both statements on one
	 * connection; read-only, so PostgreSQL refuses a write by mistake. The total may be off
	 * by concurrent writes, as with any paged API that does not pin a snapshot.
	 */
	@Transactional(readOnly = true)
	ClientPage list(int page, int size) {
		List<Client> items = this.repository.findPage(size, (long) page * size);
		return new ClientPage(items, page, size, this.repository.count());
	}

	/**
	 * One client. Read-only, so that with a read replica ({@code POOLGUARD_REPLICA_URL}) it
	 * is served by the replica; the view is recorded by {@link #recordView(long)}, a write
	 * that goes to the primary.
	 */
	@Transactional(readOnly = true)
	Client get(long id) {
		return this.repository.findById(id).orElseThrow(() -> new ClientNotFoundException(id));
	}

	/**
	 * Records that a client was viewed, after {@link #get(long)}: a write, so in a
	 * transaction of its own on the primary. One connection at a time per request, never
	 * two held at once.
	 */
	@Transactional
	void recordView(long id) {
		this.repository.audit(id, AuditAction.VIEWED);
	}

	@Transactional
	Client create(ClientRequest request) {
		Client client;
		try {
			client = this.repository.insert(request);
		}
		catch (DuplicateKeyException ex) {
			throw new DuplicateEmailException(request.email(), ex);
		}
		this.repository.audit(client.id(), AuditAction.CREATED);
		return client;
	}

	@Transactional
	Client update(long id, ClientRequest request) {
		Client client;
		try {
			client = this.repository.update(id, request).orElseThrow(() -> new ClientNotFoundException(id));
		}
		catch (DuplicateKeyException ex) {
			throw new DuplicateEmailException(request.email(), ex);
		}
		this.repository.audit(id, AuditAction.UPDATED);
		return client;
	}

	@Transactional
	void delete(long id) {
		if (!this.repository.delete(id)) {
			throw new ClientNotFoundException(id);
		}
		this.repository.audit(id, AuditAction.DELETED);
	}

}
