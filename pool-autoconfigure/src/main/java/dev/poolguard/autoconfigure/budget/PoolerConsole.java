package dev.poolguard.autoconfigure.budget;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A minimal client of PgBouncer's admin console: the PostgreSQL wire protocol's startup,
 * authentication (trust, password, md5, SCRAM-SHA-256) and simple queries. pgjdbc cannot
 * log in there: it always sends {@code extra_float_digits} at login, which the console of
 * PgBouncer 1.18 refuses ({@code SET failed}).
 *
 * @author PoolGuard
 */
final class PoolerConsole implements AutoCloseable {

	private final Socket socket;

	private final DataInputStream in;

	private final DataOutputStream out;

	private PoolerConsole(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new DataInputStream(socket.getInputStream());
		// One write per message: PgBouncer refuses a startup packet that arrives in pieces.
		this.out = new DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream()));
	}

	/**
	 * Logs in to the console.
	 * @param jdbcUrl {@code jdbc:postgresql://host:port/pgbouncer}
	 * @param user the user
	 * @param password the password, or {@code null}
	 * @param timeoutMillis the longest wait for the connection and for any answer
	 * @return the console
	 * @throws SQLException when it refuses
	 */
	static PoolerConsole open(String jdbcUrl, String user, String password, int timeoutMillis) throws SQLException {
		URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
		int port = (uri.getPort() > 0) ? uri.getPort() : 5432;
		String database = (uri.getPath() != null && uri.getPath().length() > 1) ? uri.getPath().substring(1)
				: "pgbouncer";
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(uri.getHost(), port), timeoutMillis);
			socket.setSoTimeout(timeoutMillis);
			PoolerConsole console = new PoolerConsole(socket);
			console.login(user, database, password);
			return console;
		}
		catch (IOException | GeneralSecurityException | RuntimeException ex) {
			closeQuietly(socket);
			throw new SQLException("cannot log in to the admin console " + uri.getHost() + ":" + port + "/" + database
					+ ": " + ex.getMessage(), "08001", ex);
		}
		catch (SQLException ex) {
			closeQuietly(socket);
			throw ex;
		}
	}

	private void login(String user, String database, String password)
			throws IOException, GeneralSecurityException, SQLException {
		byte[] parameters = cstrings("user", user, "database", database, "application_name", "poolguard");
		this.out.writeInt(4 + 4 + parameters.length + 1);
		this.out.writeInt(196608);
		this.out.write(parameters);
		this.out.write(0);
		this.out.flush();
		Scram scram = null;
		while (true) {
			Message message = read();
			if (message.type() == 'E') {
				throw error(message);
			}
			if (message.type() == 'Z') {
				return;
			}
			if (message.type() != 'R') {
				continue;
			}
			int kind = message.intAt(0);
			switch (kind) {
				case 0 -> {
					// authenticated
				}
				case 3 -> send('p', cstrings(required(password)));
				case 5 -> {
					byte[] salt = java.util.Arrays.copyOfRange(message.body(), 4, 8);
					String inner = md5Hex((required(password) + user).getBytes(StandardCharsets.UTF_8));
					byte[] salted = concat(inner.getBytes(StandardCharsets.UTF_8), salt);
					send('p', cstrings("md5" + md5Hex(salted)));
				}
				case 10 -> {
					scram = new Scram(required(password));
					byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
					byte[] mechanism = cstrings("SCRAM-SHA-256");
					byte[] body = concat(mechanism, concat(intBytes(first.length), first));
					send('p', body);
				}
				case 11 -> {
					String serverFirst = new String(message.body(), 4, message.body().length - 4, StandardCharsets.UTF_8);
					send('p', scram.clientFinal(serverFirst).getBytes(StandardCharsets.UTF_8));
				}
				case 12 -> {
					// SCRAM final: the server's signature; the answer that matters is the next one.
				}
				default -> throw new SQLException("authentication method " + kind + " is not supported", "28000");
			}
		}
	}

	/**
	 * Runs one command of the console ({@code SHOW CONFIG}...).
	 * @param command the command
	 * @return its rows, each column by name
	 * @throws SQLException when the console refuses it
	 */
	List<Map<String, String>> query(String command) throws SQLException {
		try {
			send('Q', cstrings(command));
			List<String> columns = new ArrayList<>();
			List<Map<String, String>> rows = new ArrayList<>();
			SQLException failure = null;
			while (true) {
				Message message = read();
				switch (message.type()) {
					case 'T' -> columns = message.columnNames();
					case 'D' -> rows.add(message.row(columns));
					case 'E' -> failure = error(message);
					case 'Z' -> {
						if (failure != null) {
							throw failure;
						}
						return rows;
					}
					default -> {
					}
				}
			}
		}
		catch (IOException ex) {
			throw new SQLException("the admin console did not answer: " + ex.getMessage(), "08006", ex);
		}
	}

	private void send(char type, byte[] body) throws IOException {
		this.out.write(type);
		this.out.writeInt(body.length + 4);
		this.out.write(body);
		this.out.flush();
	}

	private Message read() throws IOException {
		char type = (char) this.in.readUnsignedByte();
		int length = this.in.readInt();
		byte[] body = new byte[length - 4];
		this.in.readFully(body);
		return new Message(type, body);
	}

	private static SQLException error(Message message) {
		Map<Character, String> fields = new HashMap<>();
		byte[] body = message.body();
		int i = 0;
		while (i < body.length && body[i] != 0) {
			char code = (char) body[i++];
			int end = i;
			while (end < body.length && body[end] != 0) {
				end++;
			}
			fields.put(code, new String(body, i, end - i, StandardCharsets.UTF_8));
			i = end + 1;
		}
		return new SQLException("ERROR: " + fields.getOrDefault('M', "unknown"), fields.get('C'));
	}

	private static String required(String password) throws SQLException {
		if (password == null) {
			throw new SQLException("the admin console asks for a password: set poolguard.pooler.admin-password", "28000");
		}
		return password;
	}

	private static byte[] cstrings(String... values) {
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		for (String value : values) {
			bytes.writeBytes(value.getBytes(StandardCharsets.UTF_8));
			bytes.write(0);
		}
		return bytes.toByteArray();
	}

	private static byte[] intBytes(int value) {
		return new byte[] { (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value };
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	private static String md5Hex(byte[] input) throws GeneralSecurityException {
		return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(input));
	}

	@Override
	public void close() {
		try {
			send('X', new byte[0]);
		}
		catch (IOException ex) {
			// closing anyway
		}
		closeQuietly(this.socket);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	private record Message(char type, byte[] body) {

		int intAt(int offset) {
			return ((this.body[offset] & 0xff) << 24) | ((this.body[offset + 1] & 0xff) << 16)
					| ((this.body[offset + 2] & 0xff) << 8) | (this.body[offset + 3] & 0xff);
		}

		private int shortAt(int offset) {
			return ((this.body[offset] & 0xff) << 8) | (this.body[offset + 1] & 0xff);
		}

		List<String> columnNames() {
			int count = shortAt(0);
			List<String> names = new ArrayList<>();
			int i = 2;
			for (int column = 0; column < count; column++) {
				int end = i;
				while (this.body[end] != 0) {
					end++;
				}
				names.add(new String(this.body, i, end - i, StandardCharsets.UTF_8));
				// name, then table oid, column, type oid, size, modifier, format
				i = end + 1 + 4 + 2 + 4 + 2 + 4 + 2;
			}
			return names;
		}

		Map<String, String> row(List<String> columns) {
			int count = shortAt(0);
			Map<String, String> row = new LinkedHashMap<>();
			int i = 2;
			for (int column = 0; column < count; column++) {
				int length = intAt(i);
				i += 4;
				String value = (length < 0) ? null : new String(this.body, i, length, StandardCharsets.UTF_8);
				i += Math.max(0, length);
				row.put((column < columns.size()) ? columns.get(column) : String.valueOf(column), value);
			}
			return row;
		}

	}

	/** SCRAM-SHA-256 (RFC 5802, RFC 7677), without channel binding. */
	private static final class Scram {

		private final String password;

		private final String clientNonce;

		private String clientFirstBare;

		Scram(String password) {
			this.password = password;
			byte[] nonce = new byte[18];
			new SecureRandom().nextBytes(nonce);
			this.clientNonce = Base64.getEncoder().encodeToString(nonce);
		}

		String clientFirst() {
			this.clientFirstBare = "n=,r=" + this.clientNonce;
			return "n,," + this.clientFirstBare;
		}

		String clientFinal(String serverFirst) throws GeneralSecurityException, SQLException {
			Map<String, String> attributes = new HashMap<>();
			for (String attribute : serverFirst.split(",")) {
				if (attribute.length() > 2 && attribute.charAt(1) == '=') {
					attributes.put(attribute.substring(0, 1), attribute.substring(2));
				}
			}
			String nonce = attributes.get("r");
			if (nonce == null || !nonce.startsWith(this.clientNonce)) {
				throw new SQLException("the admin console's SCRAM answer does not carry this client's nonce", "28000");
			}
			byte[] salt = Base64.getDecoder().decode(attributes.get("s"));
			int iterations = Integer.parseInt(attributes.get("i"));
			SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
			byte[] saltedPassword = pbkdf2
				.generateSecret(new PBEKeySpec(this.password.toCharArray(), salt, iterations, 256))
				.getEncoded();
			byte[] clientKey = hmac(saltedPassword, "Client Key");
			byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
			String withoutProof = "c=biws,r=" + nonce;
			String authMessage = this.clientFirstBare + "," + serverFirst + "," + withoutProof;
			byte[] signature = hmac(storedKey, authMessage);
			byte[] proof = new byte[clientKey.length];
			for (int i = 0; i < proof.length; i++) {
				proof[i] = (byte) (clientKey[i] ^ signature[i]);
			}
			return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
		}

		private static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
		}

	}

}
