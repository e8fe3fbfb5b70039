package dev.poolguard.sample;

import java.time.OffsetDateTime;

/**
 * A client as the API returns it.
 *
 * @param id the client's id, assigned by the database
 * @param name the client's name
 * @param email the client's email address, unique regardless of case
 * @param phone the client's phone number, or {@code null}
 * @param createdAt when the client was created
 * @param updatedAt when the client was last changed
 * @author PoolGuard
 */
record Client(long id, String name, String email, String phone, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

}
