package dev.poolguard.sample;

import java.util.List;

/**
 * One page of clients, ordered by id.
 *
 * @param items the clients on this page; empty past the last page
 * @param page the page number, from 0
 * @param size the largest number of clients on a page
 * @param total how many clients there are in all
 * @author PoolGuard
 */
record ClientPage(List<Client> items, int page, int size, long total) {

}
