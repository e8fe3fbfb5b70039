package dev.poolguard.sample;

/**
 * One entry of the {@code errors} list in a 400 or 409 Problem Details: what is wrong with
 * which field of the request, so that a client can show it next to the field.
 *
 * @param field the request field, query parameter or path variable
 * @param message what is wrong with it
 * @author PoolGuard
 */
record InvalidField(String field, String message) {

}
