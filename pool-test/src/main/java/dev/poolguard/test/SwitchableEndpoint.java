package dev.poolguard.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database endpoint that can be pointed at another server, like a DNS name, a virtual IP
 * or a cloud endpoint that moves to the new primary after a failover: a plain TCP relay on
 * a free port of 127.0.0.1. New connections go to the server it points at; connections
 * already relayed stay where they are unless the switch cuts them.
 */
public final class SwitchableEndpoint implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(SwitchableEndpoint.class);

	private final ServerSocket listener;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile PostgresServer target;

	private SwitchableEndpoint(PostgresServer target) throws IOException {
		this.target = target;
		this.listener = new ServerSocket();
		this.listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		Thread acceptor = new Thread(this::accept, "switchable-endpoint-" + this.listener.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Opens an endpoint that points at the given server.
	 * @param target the server
	 * @return the endpoint
	 */
	public static SwitchableEndpoint pointingAt(PostgresServer target) {
		try {
			return new SwitchableEndpoint(target);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open an endpoint", ex);
		}
	}

	/**
	 * Points new connections at another server.
	 * @param server the server
	 * @param cutExisting whether the connections already relayed are reset, as a virtual
	 * IP's move does
	 */
	public void pointAt(PostgresServer server, boolean cutExisting) {
		this.target = server;
		if (cutExisting) {
			this.sockets.forEach(SwitchableEndpoint::closeQuietly);
			this.sockets.clear();
		}
		log.info("Endpoint 127.0.0.1:{} now points at {}:{}", port(), server.host(), server.port());
	}

	/**
	 * The endpoint's port on 127.0.0.1.
	 * @return the port
	 */
	public int port() {
		return this.listener.getLocalPort();
	}

	/**
	 * The default-database URL of whatever server the endpoint points at.
	 * @return the URL
	 */
	public String jdbcUrl() {
		return JdbcUrls.withHostAndPort(this.target.jdbcUrl(), "127.0.0.1", port());
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				PostgresServer server = this.target;
				Socket upstream;
				try {
					upstream = new Socket(server.host(), server.port());
				}
				catch (IOException ex) {
					closeQuietly(client);
					continue;
				}
				this.sockets.add(client);
				this.sockets.add(upstream);
				relay(client, upstream);
				relay(upstream, client);
			}
			catch (IOException ex) {
				if (!this.listener.isClosed()) {
					log.debug("Endpoint accept failed", ex);
				}
			}
		}
	}

	private void relay(Socket from, Socket to) {
		Thread pump = new Thread(() -> {
			byte[] buffer = new byte[16384];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// one side went away: so does the other
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
				this.sockets.remove(from);
				this.sockets.remove(to);
			}
		}, "switchable-endpoint-relay");
		pump.setDaemon(true);
		pump.start();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() {
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// already closed
		}
		this.sockets.forEach(SwitchableEndpoint::closeQuietly);
	}

}
