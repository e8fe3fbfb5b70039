package dev.poolguard.sample;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/clients} and {@code PUT /api/clients/{id}}. The limits are
 * the columns' own, so that bad input is a 400 naming the field rather than a database
 * error.
 *
 * @param name the client's name, up to 100 characters
 * @param email the client's email address, up to 254 characters (the longest a mail
 * server accepts)
 * @param phone the client's phone number (digits, spaces, {@code + ( ) -}), optional
 * @author PoolGuard
 */
record ClientRequest(@NotBlank @Size(max = 100) String name, @NotBlank @Email @Size(max = 254) String email,
		@Size(max = 32) @Pattern(regexp = PHONE, message = PHONE_MESSAGE) String phone) {

	private static final String PHONE = "\\+?[0-9 ()-]*";

	private static final String PHONE_MESSAGE = "must contain only digits, spaces and + ( ) -";

}
