package dev.poolguard.autoconfigure.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waiter-release protocol under contention: callers enter and leave as fast as they
 * can while another thread releases everyone inside, again and again. An interrupt must
 * only ever reach a thread inside, every release must be seen by exactly one
 * {@code leave}, and no thread may leave with its interrupt still set.
 */
class WaitingCallersStressTests {

	private static final int CALLERS = 8;

	private static final long DURATION_MILLIS = 1500;

	@Test
	void releasesReachOnlyCallersInsideAndNeverLeaveAnInterruptBehind() throws InterruptedException {
		WaitingCallers waiting = new WaitingCallers();
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong releasedSeen = new AtomicLong();
		AtomicInteger strayInterrupts = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(CALLERS);
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < CALLERS; i++) {
			Thread caller = new Thread(() -> {
				try {
					while (running.get()) {
						WaitingCallers.Caller inside = waiting.enter();
						Thread.onSpinWait();
						if (waiting.leave(inside)) {
							releasedSeen.incrementAndGet();
						}
						if (Thread.currentThread().isInterrupted()) {
							strayInterrupts.incrementAndGet();
							Thread.interrupted();
						}
					}
				}
				finally {
					done.countDown();
				}
			}, "stress-caller-" + i);
			callers.add(caller);
			caller.start();
		}
		long released = 0;
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DURATION_MILLIS);
		while (System.nanoTime() < deadline) {
			released += waiting.releaseAll();
		}
		running.set(false);
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(released).as("the releaser found callers inside").isPositive();
		assertThat(releasedSeen.get()).as("every release seen by exactly one leave").isEqualTo(released);
		assertThat(strayInterrupts.get()).as("interrupts left behind").isZero();
	}

}
