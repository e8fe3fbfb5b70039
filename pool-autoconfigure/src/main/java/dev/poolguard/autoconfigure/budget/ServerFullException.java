package dev.poolguard.autoconfigure.budget;

import java.sql.SQLException;

/**
 * The server refused PoolGuard's side connection because it has no free slot
 * ({@code 53300}): it is reachable, and full.
 *
 * @author PoolGuard
 */
final class ServerFullException extends SQLException {

	ServerFullException(SQLException refused) {
		super(refused.getMessage(), refused.getSQLState(), refused);
	}

}
