package dev.poolguard.autoconfigure.budget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The pool's connection limit held against this instance's share of the server's
 * connections, with the numbers and the arithmetic that led to the verdict:
 *
 * <pre>
 * budget = (min(max_connections - superuser_reserved_connections - reserved_connections,
 *               role CONNECTION LIMIT, database CONNECTION LIMIT)
 *           - poolguard.reserved-connections) / poolguard.instances
 *          - 1 (PoolGuard's own side connection)
 * </pre>
 *
 * The verdict is {@link BudgetVerdict#OVER} above the budget, {@link BudgetVerdict#TIGHT}
 * above 80 % of it. Connections of other clients are reported, not subtracted: keeping
 * room for them is what {@code poolguard.reserved-connections} is for.
 *
 * @author PoolGuard
 */
public final class BudgetReport {

	/** The share of the budget above which a pool is {@link BudgetVerdict#TIGHT}. */
	static final int TIGHT_PERCENT = 80;

	private static final String DOCS = "docs/sizing.md";

	private final BudgetVerdict verdict;

	private final String reason;

	private final Instant checkedAt;

	private final Pool pool;

	private final ServerLimits serverLimits;

	private final Integer usableConnections;

	private final String limitedBy;

	private final Integer connectionBudget;

	private final Integer recommendedConnectionLimit;

	private final List<Row> rows;

	private final List<String> notes;

	/** Behind a pooler: what to change, which is not the server's arithmetic. */
	private String poolerFix;

	private BudgetReport(BudgetVerdict verdict, String reason, Instant checkedAt, Pool pool, ServerLimits serverLimits,
			Integer usableConnections, String limitedBy, Integer connectionBudget, Integer recommendedConnectionLimit,
			List<Row> rows, List<String> notes) {
		this.verdict = verdict;
		this.reason = reason;
		this.checkedAt = checkedAt;
		this.pool = pool;
		this.serverLimits = serverLimits;
		this.usableConnections = usableConnections;
		this.limitedBy = limitedBy;
		this.connectionBudget = connectionBudget;
		this.recommendedConnectionLimit = recommendedConnectionLimit;
		this.rows = List.copyOf(rows);
		this.notes = List.copyOf(notes);
	}

	/**
	 * A report whose server limits are known.
	 * @param pool the pool's side of the arithmetic
	 * @param limits what the server said
	 * @param checkedAt when it said it
	 * @return the report
	 */
	static BudgetReport of(Pool pool, ServerLimits limits, Instant checkedAt) {
		int serverConnections = limits.serverConnections();
		int usable = serverConnections;
		String limitedBy = "max_connections";
		if (limits.roleLimitApplies() && limits.roleConnectionLimit() < usable) {
			usable = limits.roleConnectionLimit();
			limitedBy = "the role's CONNECTION LIMIT";
		}
		if (limits.databaseLimitApplies() && limits.databaseConnectionLimit() < usable) {
			usable = limits.databaseConnectionLimit();
			limitedBy = "the database's CONNECTION LIMIT";
		}
		int instances = Math.max(1, pool.instances());
		// Each instance's own side connection (health probe, sampling, this check) takes
		// a slot of its share while it is open.
		int budget = Math.max(0, Math.max(0, usable - pool.reservedConnections()) / instances - pool.sideConnections());
		int limit = pool.connectionLimit();
		BudgetVerdict verdict;
		String reason;
		if (limit > budget) {
			verdict = BudgetVerdict.OVER;
			reason = pool.connectionLimitProperty() + " " + limit
					+ " is more than this instance's share of the server's connections (" + budget + ").";
		}
		else if (limit * 100 > budget * TIGHT_PERCENT) {
			verdict = BudgetVerdict.TIGHT;
			reason = pool.connectionLimitProperty() + " " + limit + " fits this instance's share of the server's connections ("
					+ budget + ") with less than " + (100 - TIGHT_PERCENT) + " % to spare.";
		}
		else {
			verdict = BudgetVerdict.OK;
			reason = pool.connectionLimitProperty() + " " + limit
					+ " fits this instance's share of the server's connections (" + budget + ").";
		}
		// The largest limit that leaves a fifth of the budget for a rolling deployment's
		// extra instance, a restart's overlap or an administrator; never more than now.
		Integer recommended = (budget == 0) ? null
				: Math.min(limit, Math.max(1, budget * TIGHT_PERCENT / 100));

		List<Row> rows = new ArrayList<>();
		rows.add(new Row("server", pool.server() + " (PostgreSQL " + limits.serverVersion() + ")",
				null, null));
		String serverExpression = "max_connections " + limits.maxConnections() + " - superuser_reserved_connections "
				+ limits.superuserReservedConnections()
				+ ((limits.reservedConnections() != null) ? " - reserved_connections " + limits.reservedConnections() : "");
		rows.add(new Row("server slots", serverExpression, "=", String.valueOf(serverConnections)));
		rows.add(new Row("role limit", limitExpression("role " + limits.role(), limits.superuser()), "=",
				limitValue(limits.roleConnectionLimit(), limits.superuser())));
		rows.add(new Row("database limit", limitExpression("database " + limits.database(), limits.superuser()), "=",
				limitValue(limits.databaseConnectionLimit(), limits.superuser())));
		rows.add(new Row("usable",
				"min(" + serverConnections + ", " + limitValue(limits.roleConnectionLimit(), limits.superuser()) + ", "
						+ limitValue(limits.databaseConnectionLimit(), limits.superuser()) + ")",
				"=", usable + " (" + limitedBy + " decides)"));
		rows.add(new Row("budget", "(" + usable + " - poolguard.reserved-connections " + pool.reservedConnections()
				+ ") / poolguard.instances " + pool.instances() + " - " + pool.sideConnections() + " PoolGuard side connection"
						+ ((pool.sideConnections() > 1) ? "s (one per pool)" : ""),
				"=", budget + " per instance"));
		rows.add(new Row("pool", poolExpression(pool, budget, verdict), ":", verdict.name()));

		List<String> notes = new ArrayList<>();
		if (limits.superuser()) {
			notes.add("Role " + limits.role() + " is a superuser: PostgreSQL applies no CONNECTION LIMIT to it, and it can "
					+ "take the superuser_reserved_connections kept for emergencies. Run the application as an "
					+ "ordinary role.");
		}
		if (limits.otherClientConnections() > pool.reservedConnections()) {
			notes.add(limits.otherClientConnections() + " connections on the server belong to other clients, more than "
					+ "poolguard.reserved-connections (" + pool.reservedConnections() + "): they take the same slots as "
					+ "this application. Set poolguard.reserved-connections=" + limits.otherClientConnections()
					+ " to count them.");
		}
		if (limits.applicationConnections() > (long) limit * instances) {
			notes.add("This application already holds " + limits.applicationConnections()
					+ " connections on the server, more than poolguard.instances " + pool.instances() + " x "
					+ pool.connectionLimitProperty() + " " + limit + ": poolguard.instances is probably too low.");
		}
		return new BudgetReport(verdict, reason, checkedAt, pool, limits, usable, limitedBy, budget, recommended, rows,
				notes);
	}

	/**
	 * A report for a server that refused PoolGuard's own connection because it is full.
	 * @param pool the pool's side of the arithmetic
	 * @param refusal what the server said
	 * @param checkedAt when it said it
	 * @return the report
	 */
	static BudgetReport full(Pool pool, String refusal, Instant checkedAt) {
		String reason = "The server refused PoolGuard's own connection: " + refusal + ". It has no free slot for "
				+ pool.connectionLimitProperty() + " " + pool.connectionLimit()
				+ " connections: they will wait for other clients to leave, and time out.";
		List<Row> rows = new ArrayList<>();
		rows.add(new Row("server", pool.server(), null, null));
		rows.add(new Row("pool", pool.connectionLimitProperty() + " " + pool.connectionLimit() + " > free slots 0",
				":", BudgetVerdict.FULL.name()));
		return new BudgetReport(BudgetVerdict.FULL, reason, checkedAt, pool, null, null, null, 0, null, rows,
				List.of("Free connections on the server (other clients, idle sessions), or raise the limit that "
						+ "decides (max_connections, the role's or the database's CONNECTION LIMIT)."));
	}

	/**
	 * A report whose server limits are not known.
	 * @param pool the pool's side of the arithmetic
	 * @param reason why the limits are not known
	 * @param checkedAt when they were last tried, or {@code null}
	 * @return the report
	 */
	static BudgetReport unknown(Pool pool, String reason, Instant checkedAt) {
		List<Row> rows = new ArrayList<>();
		rows.add(new Row("server", pool.server(), null, null));
		rows.add(new Row("pool", pool.connectionLimitProperty() + " " + pool.connectionLimit()
				+ ", poolguard.instances " + pool.instances() + ", poolguard.reserved-connections "
				+ pool.reservedConnections(), ":", BudgetVerdict.UNKNOWN.name()));
		return new BudgetReport(BudgetVerdict.UNKNOWN, reason, checkedAt, pool, null, null, null, null, null, rows,
				List.of());
	}

	/**
	 * A report for a pool behind a connection pooler: its connections are clients of the
	 * pooler, held against the pooler's {@code max_client_conn}; only the pooler's server
	 * pools are held against the server's limits. What PoolGuard cannot read is said, and
	 * never called OK.
	 * @param pool the pool's side of the arithmetic
	 * @param pooler the pooler, as PoolGuard knows it
	 * @param poolerInstances {@code poolguard.pooler.instances}
	 * @param poolerLimits what the pooler's admin console said, or {@code null}
	 * @param poolerFailure why the pooler's limits are not known, when they are not
	 * @param limits what the server said, or {@code null}
	 * @param checkedAt when
	 * @return the report
	 */
	static BudgetReport behindPooler(Pool pool, String pooler, int poolerInstances, PoolerLimits poolerLimits,
			String poolerFailure, ServerLimits limits, Instant checkedAt) {
		List<Row> rows = new ArrayList<>();
		List<String> notes = new ArrayList<>();
		rows.add(new Row("server", pool.server() + " behind " + pooler, null, null));
		if (poolerLimits == null) {
			String reason = "The pool is a client of the pooler in front (" + pooler + "): it is held against the "
					+ "pooler's max_client_conn, not the server's connections, and the pooler's limits could not be read ("
					+ poolerFailure + "). Neither that nor the pooler's server pools against the server could be checked.";
			rows.add(new Row("pool", pool.connectionLimitProperty() + " " + pool.connectionLimit()
					+ " against the pooler's max_client_conn: not checked", ":", BudgetVerdict.UNKNOWN.name()));
			notes.add("Set poolguard.pooler.admin-url (PgBouncer's admin console, database pgbouncer) and a user in "
					+ "its admin_users or stats_users, or check by hand: the pool against max_client_conn, and "
					+ "(default_pool_size + reserve_pool_size) x pooler instances against the server's usable connections"
					+ ((limits != null) ? " (" + limits.serverConnections() + " server slots)" : "") + ". See " + DOCS
					+ "#pgbouncer.");
			// The server's limits stay out of the summary: they are not what the pool is held against.
			return new BudgetReport(BudgetVerdict.UNKNOWN, reason, checkedAt, pool, null, null, null, null, null, rows,
					notes);
		}
		int instances = Math.max(1, pool.instances());
		int clientBudget = poolerLimits.maxClientConnections() / instances;
		int limit = pool.connectionLimit();
		BudgetVerdict client = (limit > clientBudget) ? BudgetVerdict.OVER
				: (limit * 100 > clientBudget * TIGHT_PERCENT) ? BudgetVerdict.TIGHT : BudgetVerdict.OK;
		rows.add(new Row("client slots", "pooler max_client_conn " + poolerLimits.maxClientConnections()
				+ " / poolguard.instances " + pool.instances(), "=", clientBudget + " per instance"));
		rows.add(new Row("pool", pool.connectionLimitProperty() + " " + limit + " against " + clientBudget + " client slots",
				":", client.name()));
		String clientReason = pool.connectionLimitProperty() + " " + limit
				+ ((client == BudgetVerdict.OVER) ? " is more than" : " fits") + " this instance's share of the pooler's "
				+ "max_client_conn (" + clientBudget + ").";
		if (limits == null) {
			BudgetVerdict verdict = (client == BudgetVerdict.OVER) ? BudgetVerdict.OVER : BudgetVerdict.UNKNOWN;
			return new BudgetReport(verdict, clientReason + " The pooler's server pools could not be checked against the "
					+ "server's limits, which could not be read.", checkedAt, pool, null, null, null, clientBudget, null,
					rows, notes);
		}
		Pool serverPools = new Pool(pool.server(), poolerLimits.serverConnections(),
				"the pooler's pool_size " + poolerLimits.poolSize() + " + reserve_pool " + poolerLimits.reservePool(),
				poolerInstances, pool.reservedConnections());
		BudgetReport server = of(serverPools, limits, checkedAt);
		for (Row row : server.rows) {
			if (!"server".equals(row.label())) {
				rows.add(new Row("pooler " + row.label(), row.expression().replace("poolguard.instances", "poolguard.pooler.instances"),
						row.operator(), row.result()));
			}
		}
		notes.addAll(server.notes);
		BudgetVerdict verdict = (client.ordinal() > server.verdict.ordinal()) ? client : server.verdict;
		String reason = clientReason + " The pooler's server connections (" + poolerLimits.serverConnections()
				+ " per pooler instance) " + (server.verdict.isOverBudget() ? "are more than" : "fit") + " the server's share ("
				+ server.connectionBudget + ").";
		List<String> fixes = new ArrayList<>();
		if (client == BudgetVerdict.OVER) {
			fixes.add("Set " + pool.connectionLimitProperty() + "=" + Math.max(1, clientBudget * TIGHT_PERCENT / 100)
					+ " (at most " + clientBudget + ") or raise the pooler's max_client_conn");
		}
		if (server.verdict.isOverBudget()) {
			fixes.add("lower the pooler's pool_size + reserve_pool to at most " + server.connectionBudget
					+ " per pooler instance (default_pool_size, reserve_pool_size), or " + server.serverFix());
		}
		BudgetReport report = new BudgetReport(verdict, reason + (fixes.isEmpty() ? "" : " " + capitalized(String.join("; ", fixes)) + "."),
				checkedAt, pool, null, server.usableConnections, server.limitedBy, clientBudget,
				(client == BudgetVerdict.OVER) ? clientBudget : null, rows, notes);
		report.poolerFix = fixes.isEmpty() ? null : capitalized(String.join("; ", fixes)) + ". See " + DOCS + "#pgbouncer.";
		return report;
	}

	private static String capitalized(String text) {
		return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

	private static String limitExpression(String owner, boolean superuser) {
		return superuser ? owner + " CONNECTION LIMIT (does not apply to a superuser)" : owner + " CONNECTION LIMIT";
	}

	private static String limitValue(int limit, boolean superuser) {
		return (limit < 0 || superuser) ? "none" : String.valueOf(limit);
	}

	private static String poolExpression(Pool pool, int budget, BudgetVerdict verdict) {
		String limit = pool.connectionLimitProperty() + " " + pool.connectionLimit();
		if (verdict == BudgetVerdict.OVER) {
			return limit + " > budget " + budget;
		}
		String share = limit + " = " + percent(pool.connectionLimit(), budget) + " % of budget " + budget;
		return (verdict == BudgetVerdict.TIGHT) ? share + ", over " + TIGHT_PERCENT + " %" : share;
	}

	private static long percent(int part, int whole) {
		return Math.round(part * 100.0 / whole);
	}

	/** PoolGuard's own side connections per instance and pool, counted in the budget. */
	static final int SIDE_CONNECTIONS = 1;

	/**
	 * The verdict.
	 * @return the verdict
	 */
	public BudgetVerdict verdict() {
		return this.verdict;
	}

	/**
	 * The verdict in one sentence, or why there is none.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

	/**
	 * When the server's limits were read, or last tried.
	 * @return the time, or {@code null} before the first attempt
	 */
	public Instant checkedAt() {
		return this.checkedAt;
	}

	/**
	 * The pool's maximum size, as it is now.
	 * @return the connection limit
	 */
	public int connectionLimit() {
		return this.pool.connectionLimit();
	}

	/**
	 * The property that set the connection limit, and that a fix should change.
	 * @return the property, such as {@code poolguard.connection-limit}
	 */
	public String connectionLimitProperty() {
		return this.pool.connectionLimitProperty();
	}

	/**
	 * The number of instances that share the server ({@code poolguard.instances}).
	 * @return the instances
	 */
	public int instances() {
		return this.pool.instances();
	}

	/**
	 * The connections kept free for others ({@code poolguard.reserved-connections}).
	 * @return the reserved connections
	 */
	public int reservedConnections() {
		return this.pool.reservedConnections();
	}

	/**
	 * What the server said.
	 * @return the server's limits, or {@code null} when the verdict is
	 * {@link BudgetVerdict#UNKNOWN}
	 */
	public ServerLimits serverLimits() {
		return this.serverLimits;
	}

	/**
	 * The connections all instances may share: the smallest of the server's, the role's
	 * and the database's limits.
	 * @return the usable connections, or {@code null} when unknown
	 */
	public Integer usableConnections() {
		return this.usableConnections;
	}

	/**
	 * This instance's share of the server's connections.
	 * @return the per-instance budget, or {@code null} when unknown
	 */
	public Integer connectionBudget() {
		return this.connectionBudget;
	}

	/**
	 * The connection limit to set: the current one when it leaves a fifth of the budget
	 * free, otherwise 80 % of the budget.
	 * @return the recommended connection limit, or {@code null} when unknown or when the
	 * budget leaves no connection for this instance
	 */
	public Integer recommendedConnectionLimit() {
		return this.recommendedConnectionLimit;
	}

	/**
	 * The arithmetic, one step a line, aligned.
	 * @return the arithmetic
	 */
	public String arithmetic() {
		return Row.render(this.rows, "");
	}

	/**
	 * Things worth knowing that do not change the verdict: other clients, a superuser
	 * role, an instance count that looks too low.
	 * @return the notes, possibly empty
	 */
	public List<String> notes() {
		return this.notes;
	}

	/**
	 * The whole report as a small table, for a person reading a startup failure or the
	 * output of {@code --poolguard.verify=true}.
	 * @return the table
	 */
	public String table() {
		StringBuilder table = new StringBuilder();
		table.append("PoolGuard connection budget: ").append(this.verdict).append('\n');
		table.append(this.reason).append("\n\n");
		List<Row> all = new ArrayList<>(this.rows);
		if (this.serverLimits != null) {
			all.add(new Row("clients", "this application " + this.serverLimits.applicationConnections()
					+ ", other clients " + this.serverLimits.otherClientConnections()
					+ " (connections open on the server, for information)", null, null));
		}
		if (this.recommendedConnectionLimit != null) {
			all.add(new Row("recommended", connectionLimitProperty() + "=" + this.recommendedConnectionLimit
					+ ((this.recommendedConnectionLimit == connectionLimit()) ? " (as now)"
							: " (" + TIGHT_PERCENT + " % of the budget)"),
					null, null));
		}
		table.append(Row.render(all, "    "));
		for (String note : this.notes) {
			table.append("\n\n    Note: ").append(note);
		}
		return table.toString();
	}

	/**
	 * The report in one line, for a log.
	 * @return the summary
	 */
	public String summary() {
		StringBuilder summary = new StringBuilder("PoolGuard connection budget ").append(this.verdict).append(": ");
		if (this.serverLimits == null) {
			return summary.append(this.reason).toString();
		}
		ServerLimits limits = this.serverLimits;
		summary.append(poolExpression(this.pool, this.connectionBudget, this.verdict))
			.append(". Budget per instance = (min(server ")
			.append(limits.maxConnections())
			.append(" - ")
			.append(limits.superuserReservedConnections());
		if (limits.reservedConnections() != null) {
			summary.append(" - ").append(limits.reservedConnections());
		}
		summary.append(" = ")
			.append(limits.serverConnections())
			.append(", role ")
			.append(limits.role())
			.append(' ')
			.append(limitValue(limits.roleConnectionLimit(), limits.superuser()))
			.append(", database ")
			.append(limits.database())
			.append(' ')
			.append(limitValue(limits.databaseConnectionLimit(), limits.superuser()))
			.append(") - reserved-connections ")
			.append(reservedConnections())
			.append(") / instances ")
			.append(instances())
			.append(" - ")
			.append(this.pool.sideConnections())
			.append((this.pool.sideConnections() > 1) ? " PoolGuard side connections = " : " PoolGuard side connection = ")
			.append(this.connectionBudget)
			.append("; other clients hold ")
			.append(limits.otherClientConnections())
			.append(" connections.");
		if (this.verdict == BudgetVerdict.OVER) {
			summary.append(' ').append(fix());
		}
		return summary.toString();
	}

	/**
	 * What to do about an {@link BudgetVerdict#OVER} verdict.
	 * @return the fix, naming the properties to change
	 */
	String fix() {
		if (this.poolerFix != null) {
			return this.poolerFix;
		}
		StringBuilder fix = new StringBuilder();
		if (this.recommendedConnectionLimit != null && this.pool.pools().size() > 1) {
			fix.append("Lower the connection limits of pools ")
				.append(String.join(", ", this.pool.pools().keySet()))
				.append(" (poolguard.pools.<name>.connection-limit) so that together they are at most ")
				.append(this.recommendedConnectionLimit)
				.append(" (never more than ")
				.append(this.connectionBudget)
				.append(")");
		}
		else if (this.recommendedConnectionLimit != null) {
			fix.append("Set ")
				.append(connectionLimitProperty())
				.append('=')
				.append(this.recommendedConnectionLimit)
				.append(" (at most ")
				.append(this.connectionBudget)
				.append(")");
		}
		else {
			fix.append("No connection is left for this instance");
		}
		fix.append(", or give each instance more of the server: ")
			.append(serverFix())
			.append(", run fewer instances (poolguard.instances=")
			.append(instances())
			.append(") or lower poolguard.reserved-connections (")
			.append(reservedConnections())
			.append("). With PgBouncer in front of the server the arithmetic changes: see ")
			.append(DOCS)
			.append('.');
		return fix.toString();
	}

	private String serverFix() {
		if (this.limitedBy == null || this.serverLimits == null) {
			return "raise the server's limits";
		}
		if (this.limitedBy.contains("role")) {
			return "raise the role's limit (ALTER ROLE " + identifier(this.serverLimits.role()) + " CONNECTION LIMIT n)";
		}
		if (this.limitedBy.contains("database")) {
			return "raise the database's limit (ALTER DATABASE " + identifier(this.serverLimits.database())
					+ " CONNECTION LIMIT n)";
		}
		return "raise max_connections on the server (it takes a restart)";
	}

	private static String identifier(String name) {
		return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
	}

	/**
	 * The report as the actuator shows it: plain values, lists and maps, no password.
	 * @return the report as a map
	 */
	public Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("verdict", this.verdict.name());
		map.put("reason", this.reason);
		putIfNotNull(map, "checkedAt", (this.checkedAt != null) ? this.checkedAt.toString() : null);
		map.put("server", this.pool.server());
		map.put("connectionLimit", connectionLimit());
		map.put("connectionLimitProperty", connectionLimitProperty());
		if (this.pool.pools().size() > 1) {
			map.put("pools", this.pool.pools());
		}
		map.put("instances", instances());
		map.put("reservedConnections", reservedConnections());
		if (this.serverLimits != null) {
			ServerLimits limits = this.serverLimits;
			Map<String, Object> server = new LinkedHashMap<>();
			server.put("version", limits.serverVersion());
			server.put("maxConnections", limits.maxConnections());
			server.put("superuserReservedConnections", limits.superuserReservedConnections());
			putIfNotNull(server, "reservedConnections", limits.reservedConnections());
			server.put("role", limits.role());
			server.put("superuser", limits.superuser());
			server.put("roleConnectionLimit", limits.roleConnectionLimit());
			server.put("database", limits.database());
			server.put("databaseConnectionLimit", limits.databaseConnectionLimit());
			server.put("applicationConnections", limits.applicationConnections());
			server.put("otherClientConnections", limits.otherClientConnections());
			map.put("serverLimits", server);
		}
		putIfNotNull(map, "usableConnections", this.usableConnections);
		putIfNotNull(map, "limitedBy", this.limitedBy);
		putIfNotNull(map, "connectionBudget", this.connectionBudget);
		putIfNotNull(map, "recommendedConnectionLimit", this.recommendedConnectionLimit);
		map.put("arithmetic", this.rows.stream().map(Row::toLine).collect(Collectors.toList()));
		if (!this.notes.isEmpty()) {
			map.put("notes", this.notes);
		}
		return Collections.unmodifiableMap(map);
	}

	private static void putIfNotNull(Map<String, Object> map, String key, Object value) {
		if (value != null) {
			map.put(key, value);
		}
	}

	@Override
	public String toString() {
		return summary();
	}

	/**
	 * The pool's side of the arithmetic.
	 *
	 * @param server the server's JDBC URL without its query string (where pgjdbc accepts
	 * a password)
	 * @param connectionLimit the pool's maximum size
	 * @param connectionLimitProperty the property that set it
	 * @param instances {@code poolguard.instances}
	 * @param reservedConnections {@code poolguard.reserved-connections}
	 * @param pools the connection limit of each of this instance's pools on the server,
	 * by pool name: {@code connectionLimit} is their sum
	 * @param sideConnections PoolGuard's own connections that may be open at once, one
	 * per pool
	 */
	record Pool(String server, int connectionLimit, String connectionLimitProperty, int instances,
			int reservedConnections, Map<String, Integer> pools, int sideConnections) {

		Pool(String server, int connectionLimit, String connectionLimitProperty, int instances,
				int reservedConnections) {
			this(server, connectionLimit, connectionLimitProperty, instances, reservedConnections, Map.of(),
					SIDE_CONNECTIONS);
		}

	}

	/**
	 * One step of the arithmetic: a label, an expression and, optionally, its result.
	 */
	private record Row(String label, String expression, String operator, String result) {

		String toLine() {
			return this.label + ": " + this.expression + ((this.result != null) ? " " + this.operator + " " + this.result : "");
		}

		static String render(List<Row> rows, String indent) {
			int labelWidth = rows.stream().mapToInt((row) -> row.label().length()).max().orElse(0);
			int expressionWidth = rows.stream()
				.filter((row) -> row.result() != null)
				.mapToInt((row) -> row.expression().length())
				.max()
				.orElse(0);
			return rows.stream().map((row) -> {
				StringBuilder line = new StringBuilder(indent).append(pad(row.label(), labelWidth)).append("  ");
				if (row.result() == null) {
					return line.append(row.expression()).toString();
				}
				return line.append(pad(row.expression(), expressionWidth))
					.append(' ')
					.append(row.operator())
					.append(' ')
					.append(row.result())
					.toString();
			}).collect(Collectors.joining("\n"));
		}

		private static String pad(String text, int width) {
			return String.format(Locale.ROOT, "%-" + Math.max(1, width) + "s", text);
		}

	}

}
