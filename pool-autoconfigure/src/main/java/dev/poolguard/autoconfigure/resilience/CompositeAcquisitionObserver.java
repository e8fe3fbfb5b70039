package dev.poolguard.autoconfigure.resilience;

import java.util.List;

/**
 * Several observers as one.
 *
 * @author PoolGuard
 */
final class CompositeAcquisitionObserver implements AcquisitionObserver {

	private final AcquisitionObserver[] observers;

	private final boolean timing;

	CompositeAcquisitionObserver(List<AcquisitionObserver> observers) {
		this.observers = observers.toArray(AcquisitionObserver[]::new);
		this.timing = observers.stream().anyMatch(AcquisitionObserver::isTiming);
	}

	@Override
	public boolean isTiming() {
		return this.timing;
	}

	@Override
	public void acquired(Outcome outcome, long nanos) {
		for (AcquisitionObserver observer : this.observers) {
			observer.acquired(outcome, nanos);
		}
	}

	@Override
	public void rejected(Rejection reason) {
		for (AcquisitionObserver observer : this.observers) {
			observer.rejected(reason);
		}
	}

	@Override
	public void retried() {
		for (AcquisitionObserver observer : this.observers) {
			observer.retried();
		}
	}

}
