package dev.poolguard.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.netcrusher.NetFreezer;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.core.throttle.Throttler;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy (NetCrusher) on a free loopback port in front of a {@link PostgresServer}, for
 * network faults the server itself cannot produce. Point the code under test at {@link #jdbcUrl()}.
 *
 * <pre>{@code
 * try (NetworkFault fault = NetworkFault.inFrontOf(server)) {
 *     DataSource ds = dataSource(fault.jdbcUrl(), server.username(), server.password());
 *     fault.freeze();          // the network goes silent
 *     fault.unfreeze();        // and comes back
 *     fault.cutConnections();  // every open connection is reset
 * }
 * }</pre>
 */
public final class NetworkFault implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(NetworkFault.class);

	private static final String LOOPBACK = "127.0.0.1";
	// Throttling runs on the reactor's tick; 10 ms keeps added latency close to what was asked for.
	private static final long REACTOR_TICK_MS = 10;
	// A small listen backlog takes few plug connections to fill (see freeze()).
	private static final int BACKLOG = 4;
	private static final int MAX_PLUGS = 256;
	// A loopback connect completes inside the connect() call; one this late had its SYN dropped.
	private static final int PLUG_PROBE_TIMEOUT_MS = 200;
	// PostgreSQL's SSLRequest: length 8, code 80877103; the server answers with one byte, S or N.
	private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 4, (byte) 0xd2, 0x16, 0x2f};

	private final PostgresServer server;
	private final NioReactor reactor;
	private final TcpCrusher crusher;
	private final int port;

	private final List<Socket> plugs = new ArrayList<>();

	private volatile boolean frozen;
	private volatile long latencyNanos;

	private NetworkFault(PostgresServer server, NioReactor reactor, int port) {
		this.server = server;
		this.reactor = reactor;
		this.port = port;
		// The listeners reach back into this object; they cannot fire before open(), after construction.
		this.crusher = TcpCrusherBuilder.builder()
				.withReactor(reactor)
				.withBindAddress(LOOPBACK, port)
				.withBacklog(BACKLOG)
				.withConnectAddress(server.host(), server.port())
				// SO_LINGER 0: closing a socket sends RST, so a cut looks like a network reset.
				.withLingerMs(0)
				// Runs on the reactor thread inside the accept, before the new pair moves a byte.
				.withDeferredListeners(false)
				.withCreationListener(this::onConnectionCreated)
				// "Incoming" is server-to-client: delaying one direction adds the latency once per round trip.
				.withIncomingThrottlerFactory(client -> buffer -> delayNanos())
				.build();
	}

	/** Opens a proxy to the server's current host and port. */
	public static NetworkFault inFrontOf(PostgresServer server) {
		NioReactor reactor;
		try {
			reactor = new NioReactor(REACTOR_TICK_MS);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot start the NetCrusher reactor", e);
		}
		RuntimeException lastFailure = null;
		// The port is free when chosen but can be taken before the proxy binds it: try a few.
		for (int attempt = 0; attempt < 5; attempt++) {
			NetworkFault fault = new NetworkFault(server, reactor, FreePorts.reserve());
			try {
				fault.crusher.open();
				log.info("NetworkFault proxy 127.0.0.1:{} -> {}:{} open", fault.port, server.host(), server.port());
				return fault;
			} catch (RuntimeException e) {
				FreePorts.release(fault.port);
				lastFailure = e;
			}
		}
		reactor.close();
		throw new IllegalStateException("Cannot open a NetworkFault proxy in front of " + server, lastFailure);
	}

	/** The proxy's port on 127.0.0.1. */
	public int port() {
		return port;
	}

	/** The server's default-database URL, through the proxy. */
	public String jdbcUrl() {
		return JdbcUrls.withHostAndPort(server.jdbcUrl(), LOOPBACK, port);
	}

	/** The given database's URL, through the proxy. */
	public String jdbcUrl(String database) {
		return JdbcUrls.withHostAndPort(server.jdbcUrl(database), LOOPBACK, port);
	}

	/**
	 * Blackholes the network, as if a cable were pulled between client and server:
	 * <ul>
	 * <li>open connections stop passing bytes in both directions; clients block until their
	 * {@code socketTimeout}, the server notices nothing;</li>
	 * <li>new connections do not even complete their TCP connect, so a client fails after its
	 * {@code connectTimeout}, and one without a timeout waits until {@link #unfreeze()}.</li>
	 * </ul>
	 *
	 * <p>NetCrusher's own freeze only stops accepting: the kernel would still complete new TCP
	 * handshakes into the listen backlog, so a client's {@code connectTimeout} (which covers only
	 * the TCP connect) would pass and it would hang in the PostgreSQL handshake. To drop new
	 * connections for real, this fills the backlog with idle connections of its own; with a full
	 * accept queue the kernel drops incoming SYNs. That makes this call take about 200 ms.
	 */
	public synchronized void freeze() {
		if (frozen) {
			return;
		}
		// Set first: a pair whose outgoing connect completes after crusher.freeze() comes up unfrozen
		// (NetCrusher always unfreezes new pairs), and onConnectionCreated freezes it on this flag.
		frozen = true;
		crusher.freeze();
		plugBacklog();
		log.info("NetworkFault proxy 127.0.0.1:{} frozen", port);
	}

	/**
	 * Lets bytes flow again. Connections that were waiting go through: their retransmitted SYN (at
	 * most a few seconds later) is accepted, and held bytes are delivered.
	 */
	public synchronized void unfreeze() {
		if (!frozen) {
			return;
		}
		frozen = false;
		crusher.unfreeze();
		drainPlugs();
		log.info("NetworkFault proxy 127.0.0.1:{} unfrozen", port);
	}

	/** Whether {@link #freeze()} is in effect. */
	public boolean isFrozen() {
		return frozen;
	}

	/**
	 * Resets every connection open through the proxy, on both sides (RST): clients fail on their
	 * next read or write, the server ends the backends. The proxy keeps accepting new connections.
	 */
	public void cutConnections() {
		int count = crusher.getClientAddresses().size();
		crusher.closeAllPairs();
		log.info("NetworkFault proxy 127.0.0.1:{} cut {} connection(s)", port, count);
	}

	/** How many client connections the proxy carries now. */
	public int connectionCount() {
		return crusher.getClientAddresses().size();
	}

	/**
	 * Delays every chunk of bytes from the server by this much, so each round trip takes that much
	 * longer; {@link Duration#ZERO} removes the delay. Applies to data read after the call.
	 */
	public void setLatency(Duration latency) {
		if (latency.isNegative()) {
			throw new IllegalArgumentException("Latency must not be negative: " + latency);
		}
		latencyNanos = latency.toNanos();
	}

	/** Closes the proxy and every connection through it; the server keeps running. */
	@Override
	public synchronized void close() {
		try {
			unplugBacklog();
			crusher.close();
		} finally {
			reactor.close();
			FreePorts.release(port);
		}
	}

	private long delayNanos() {
		long latency = latencyNanos;
		return latency > 0 ? latency : Throttler.NO_DELAY_NS;
	}

	/** Connects to the frozen listener until the kernel stops completing handshakes for it. */
	private void plugBacklog() {
		InetSocketAddress proxy = new InetSocketAddress(LOOPBACK, port);
		for (int i = 0; i < MAX_PLUGS; i++) {
			Socket plug = new Socket();
			try {
				plug.connect(proxy, PLUG_PROBE_TIMEOUT_MS);
				plugs.add(plug);
			} catch (SocketTimeoutException full) {
				closeQuietly(plug);
				log.debug("NetworkFault proxy 127.0.0.1:{} backlog full after {} plug connection(s)", port, plugs.size());
				return;
			} catch (IOException e) {
				closeQuietly(plug);
				log.warn("NetworkFault proxy 127.0.0.1:{}: cannot fill the backlog; new connections will complete "
						+ "their TCP connect and hang in the PostgreSQL handshake instead", port, e);
				return;
			}
		}
		log.warn("NetworkFault proxy 127.0.0.1:{}: backlog still not full after {} connections; new connections will "
				+ "complete their TCP connect and hang in the PostgreSQL handshake instead", port, MAX_PLUGS);
	}

	/**
	 * After unfreeze the proxy accepts the plugs and connects each to the server. Closing them at
	 * once would let close() race those connects, which NetCrusher does not track: sockets and
	 * half-open backends would leak. So each plug asks for SSL and waits for the server's one-byte
	 * answer (or the proxy's reset if the server is down), proving its pair is fully set up, and
	 * only then closes. PostgreSQL does not log a client that leaves after SSL negotiation.
	 */
	private void drainPlugs() {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		for (Socket plug : plugs) {
			try {
				plug.getOutputStream().write(SSL_REQUEST);
				int remainingMillis = (int) Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
				plug.setSoTimeout(remainingMillis);
				plug.getInputStream().read();
			} catch (IOException e) {
				// Reset or timed out: either way this plug is done with.
				log.debug("NetworkFault proxy 127.0.0.1:{}: plug ended with {}", port, e.toString());
			}
		}
		unplugBacklog();
	}

	/** Closing plugs that were never accepted: the listener is closed with them still queued. */
	private void unplugBacklog() {
		plugs.forEach(NetworkFault::closeQuietly);
		plugs.clear();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		} catch (IOException e) {
			log.debug("Cannot close {}", socket, e);
		}
	}

	private void onConnectionCreated(InetSocketAddress client) {
		if (frozen) {
			NetFreezer pair = crusher.getClientFreezer(client);
			if (pair != null && !pair.isFrozen()) {
				pair.freeze();
			}
		}
	}
}
