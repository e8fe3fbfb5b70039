package dev.poolguard.autoconfigure.resilience;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last {@value #CAPACITY} things worth telling an on-call engineer about connection
 * acquisition: breaker transitions, exhausted retries, saturation episodes and
 * rejections. Events that come in bursts (rejections, saturation) are folded into one
 * episode with a count while they keep coming, so a minute of an open breaker is one
 * entry, not thousands.
 *
 * @author PoolGuard
 */
public final class AcquisitionEvents {

	static final int CAPACITY = 50;

	/** A burst is over once this long passes without a new occurrence. */
	private static final long EPISODE_GAP_MILLIS = 5_000;

	private final Deque<Event> events = new ArrayDeque<>(CAPACITY);

	private final Clock clock;

	public AcquisitionEvents() {
		this(Clock.systemUTC());
	}

	AcquisitionEvents(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Records a single event.
	 * @param type what happened, such as {@code circuit-breaker}
	 * @param message what it means, for a person
	 */
	public void record(String type, String message) {
		Instant now = this.clock.instant();
		synchronized (this.events) {
			add(new Event(type, message, now, now, 1));
		}
	}

	/**
	 * Records one occurrence of something that comes in bursts; occurrences less than a
	 * few seconds apart are one episode.
	 * @param type what happened, such as {@code rejected}
	 * @param message what it means, for a person
	 * @return whether this occurrence starts a new episode, worth one log line
	 */
	public boolean recordEpisode(String type, String message) {
		Instant now = this.clock.instant();
		synchronized (this.events) {
			for (Event event : this.events) {
				if (event.type().equals(type) && event.message().equals(message)) {
					if (now.toEpochMilli() - event.lastAt().toEpochMilli() <= EPISODE_GAP_MILLIS) {
						this.events.remove(event);
						this.events.addFirst(new Event(type, message, event.at(), now, event.count() + 1));
						return false;
					}
					break;
				}
			}
			add(new Event(type, message, now, now, 1));
			return true;
		}
	}

	private void add(Event event) {
		if (this.events.size() == CAPACITY) {
			this.events.removeLast();
		}
		this.events.addFirst(event);
	}

	/**
	 * The events, most recent first.
	 * @return a copy of the events
	 */
	public List<Event> recent() {
		synchronized (this.events) {
			return new ArrayList<>(this.events);
		}
	}

	/**
	 * Something that happened, or an episode of it.
	 *
	 * @param type what happened
	 * @param message what it means
	 * @param at when it (first) happened
	 * @param lastAt when it last happened
	 * @param count how many times it happened in the episode
	 */
	public record Event(String type, String message, Instant at, Instant lastAt, long count) {

	}

}
