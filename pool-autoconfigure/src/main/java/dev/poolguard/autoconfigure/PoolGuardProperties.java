package dev.poolguard.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * Configuration of PoolGuard, under the {@code poolguard} prefix. Every duration accepts
 * {@code 500ms}, {@code 5s}, {@code 2m} or ISO-8601; a bare number means seconds, so
 * {@code DB_POOL_TIMEOUT=30} means thirty seconds.
 *
 * <p>
 * Each default is tuned for a web service on call at 3 a.m., not copied from the
 * library it configures; the reason for each is in its description and in
 * {@code docs/configuration.md}.
 *
 * @author PoolGuard
 */
@ConfigurationProperties("poolguard")
public class PoolGuardProperties {

	/** The prefix of every PoolGuard property. */
	public static final String PREFIX = "poolguard";

	/**
	 * Whether PoolGuard tunes, guards and observes the application's PostgreSQL pool.
	 */
	private boolean enabled = true;

	/**
	 * Maximum number of connections in the pool (HikariCP maximumPoolSize). 10 keeps a
	 * small PostgreSQL server busy without queueing on its CPUs; more connections than
	 * the server has cores times two rarely add throughput. The connection budget checks
	 * it against the server's real limits. From 1 to 10000: PostgreSQL runs a process per
	 * connection, and no server serves more than a few thousand.
	 */
	private int connectionLimit = 10;

	/**
	 * Minimum number of idle connections (HikariCP minimumIdle). Defaults to
	 * connection-limit: a fixed-size pool answers a burst without opening connections
	 * while requests wait.
	 */
	private Integer minIdle;

	/**
	 * Longest time a request waits for a connection before it fails (HikariCP
	 * connectionTimeout). 5s instead of HikariCP's 30s: a request that waited 5 seconds
	 * for a connection has already failed for its user, and a fast, honest error beats a
	 * thread pool full of 30-second waits. From 250ms (HikariCP's floor) to 10m: a longer
	 * wait is a hung thread whose client gave up long before.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration poolTimeout = Duration.ofSeconds(5);

	/**
	 * Time after which a connection above min-idle is closed (HikariCP idleTimeout). Only
	 * matters when min-idle is below connection-limit.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration idleTimeout = Duration.ofMinutes(10);

	/**
	 * Longest life of a connection before the pool replaces it (HikariCP maxLifetime).
	 * 30 minutes spreads server-side memory growth and lets failovers and DNS changes
	 * reach every connection; keep it shorter than any proxy's or firewall's connection
	 * time limit. From 30s to 24h: past a day a failover or a server setting takes days
	 * to reach every connection.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration maxLifetime = Duration.ofMinutes(30);

	/**
	 * Interval at which idle connections are tested (HikariCP keepaliveTime). 2 minutes
	 * keeps them alive through NAT gateways and firewalls that silently drop idle flows
	 * after about 5 minutes, and finds dead ones before a request does.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration keepaliveTime = Duration.ofMinutes(2);

	/**
	 * Longest time a connection test may take (HikariCP validationTimeout). 2s instead of
	 * 5s so that a dead connection is discarded well within pool-timeout.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration validationTimeout = Duration.ofSeconds(2);

	/**
	 * Time a connection may be held before HikariCP logs a possible leak with the stack
	 * of the code that borrowed it (HikariCP leakDetectionThreshold); 0 turns it off. Off
	 * by default, as in HikariCP: to have that stack at hand, HikariCP captures a stack
	 * trace on every borrow, measured at about 0.1 ms per request on a CPU-bound host.
	 * Turn it on while chasing a leak; 60s suits a web application, where a request that
	 * holds a connection for a minute is a leak or a runaway transaction.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration leakDetectionThreshold = Duration.ofSeconds(0);

	/**
	 * Number of prepared statements each connection keeps (pgjdbc
	 * preparedStatementCacheQueries). 0 turns server-side prepared statements off
	 * (prepareThreshold=0), which transaction-mode PgBouncer needs. At most 10000: each
	 * cached statement keeps a plan in every connection's server process.
	 */
	private int statementCacheSize = 256;

	/**
	 * Memory each connection's statement cache may use, in MiB (pgjdbc
	 * preparedStatementCacheSizeMiB). At most 1024: the pool takes connection-limit times
	 * as much.
	 */
	private int statementCacheSizeMib = 5;

	/**
	 * Number of executions of a statement after which pgjdbc prepares it on the server
	 * (pgjdbc prepareThreshold).
	 */
	private int prepareThreshold = 5;

	/**
	 * Longest time a read from the database may block (pgjdbc socketTimeout, whole
	 * seconds); 0 waits forever. pgjdbc waits forever by default, so a dead network hangs
	 * a borrowed connection, and the request holding it, for up to 15 minutes of TCP
	 * retransmissions. 30s ends that; raise it for statements that legitimately run
	 * longer (long migrations, reports). At most 24h (pgjdbc's millisecond count
	 * overflows past 24 days).
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration socketTimeout = Duration.ofSeconds(30);

	/**
	 * Longest time to open the TCP connection to the server (pgjdbc connectTimeout, whole
	 * seconds). 5s: an unreachable server is reported within pool-timeout. At most 5m:
	 * the operating system gives up on a connection attempt sooner.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Whether TCP keep-alive probes are sent on database connections (pgjdbc
	 * tcpKeepAlive). pgjdbc leaves it off, so a half-open connection goes unnoticed.
	 */
	private boolean tcpKeepAlive = true;

	/**
	 * Name the connections show in pg_stat_activity (pgjdbc ApplicationName). Defaults to
	 * spring.application.name, so the database administrator can tell whose connections
	 * they are, and without it to a name of this process's own (app-pid-random).
	 */
	private String applicationName;

	/**
	 * Further pgjdbc connection properties, passed through as they are, for example
	 * poolguard.driver-properties.sslmode=require.
	 */
	private Map<String, String> driverProperties = new LinkedHashMap<>();

	/**
	 * How many instances of the application share the database server. The connection
	 * budget divides the server's connections between them. From 1 to 10000.
	 */
	private int instances = 1;

	/**
	 * Connections kept free for administrators, migrations and other clients, on top of
	 * the server's own superuser_reserved_connections.
	 */
	private int reservedConnections = 0;

	/**
	 * Whether to print the connection budget report and exit (0 when it passes, 1 when
	 * it does not) instead of running the application. Meant for a deployment pipeline:
	 * java -jar app.jar --poolguard.verify=true.
	 */
	private boolean verify = false;

	/**
	 * Largest number of callers allowed to wait at once, for a connection or between two
	 * attempts of a retry, beyond those an idle connection serves at once; past it,
	 * acquisition fails at once with PoolSaturatedException. A hard cap against piling up
	 * threads, not the shedding rule: callers are already turned away at once when they
	 * could not expect a connection within pool-timeout at the rate the pool hands them
	 * out (Little's law). From 0 to 100000.
	 */
	private int maxWaiting = 10_000;

	private final Budget budget = new Budget();

	private final Retry retry = new Retry();

	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

	private final Health health = new Health();

	private final ServerMetrics serverMetrics = new ServerMetrics();

	private final Endpoint endpoint = new Endpoint();

	private final Web web = new Web();

	private final Pooler pooler = new Pooler();

	/**
	 * Whether the pool must reach a primary (a server that accepts writes). A connection
	 * that finds a read-only server instead (a standby, an old primary restarted as one
	 * behind the same address) is refused and evicted, and new connections are opened
	 * until one reaches a primary: writes answer 503, never 500, and never stay on the
	 * wrong server. Unset: expected, unless the JDBC URL's targetServerType accepts a
	 * standby (secondary, preferSecondary, preferPrimary) or the pool is read-only.
	 */
	private Boolean expectPrimary;

	/**
	 * One pool's own settings, by the name of its bean (dataSource for Spring Boot's
	 * pool): poolguard.pools.<name>.<key> takes any per-pool key of the top level
	 * (connection-limit, min-idle, pool-timeout and the other pool and driver settings,
	 * driver-properties.*, retry.*, circuit-breaker.*, max-waiting,
	 * health.saturation-threshold) and overrides the top-level value for that pool only;
	 * poolguard.pools.<name>.enabled=false leaves the pool as Spring Boot built it.
	 * Settings of the whole application (instances, reserved-connections, budget.*,
	 * verify, replica.*, endpoint.*, server-metrics.*, web.*) are top-level only.
	 */
	private Map<String, Pool> pools = new LinkedHashMap<>();

	private final Replica replica = new Replica();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getConnectionLimit() {
		return this.connectionLimit;
	}

	public void setConnectionLimit(int connectionLimit) {
		this.connectionLimit = connectionLimit;
	}

	public Integer getMinIdle() {
		return this.minIdle;
	}

	public void setMinIdle(Integer minIdle) {
		this.minIdle = minIdle;
	}

	public Duration getPoolTimeout() {
		return this.poolTimeout;
	}

	public void setPoolTimeout(Duration poolTimeout) {
		this.poolTimeout = poolTimeout;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public Duration getMaxLifetime() {
		return this.maxLifetime;
	}

	public void setMaxLifetime(Duration maxLifetime) {
		this.maxLifetime = maxLifetime;
	}

	public Duration getKeepaliveTime() {
		return this.keepaliveTime;
	}

	public void setKeepaliveTime(Duration keepaliveTime) {
		this.keepaliveTime = keepaliveTime;
	}

	public Duration getValidationTimeout() {
		return this.validationTimeout;
	}

	public void setValidationTimeout(Duration validationTimeout) {
		this.validationTimeout = validationTimeout;
	}

	public Duration getLeakDetectionThreshold() {
		return this.leakDetectionThreshold;
	}

	public void setLeakDetectionThreshold(Duration leakDetectionThreshold) {
		this.leakDetectionThreshold = leakDetectionThreshold;
	}

	public int getStatementCacheSize() {
		return this.statementCacheSize;
	}

	public void setStatementCacheSize(int statementCacheSize) {
		this.statementCacheSize = statementCacheSize;
	}

	public int getStatementCacheSizeMib() {
		return this.statementCacheSizeMib;
	}

	public void setStatementCacheSizeMib(int statementCacheSizeMib) {
		this.statementCacheSizeMib = statementCacheSizeMib;
	}

	public int getPrepareThreshold() {
		return this.prepareThreshold;
	}

	public void setPrepareThreshold(int prepareThreshold) {
		this.prepareThreshold = prepareThreshold;
	}

	public Duration getSocketTimeout() {
		return this.socketTimeout;
	}

	public void setSocketTimeout(Duration socketTimeout) {
		this.socketTimeout = socketTimeout;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public boolean isTcpKeepAlive() {
		return this.tcpKeepAlive;
	}

	public void setTcpKeepAlive(boolean tcpKeepAlive) {
		this.tcpKeepAlive = tcpKeepAlive;
	}

	public String getApplicationName() {
		return this.applicationName;
	}

	public void setApplicationName(String applicationName) {
		this.applicationName = applicationName;
	}

	public Map<String, String> getDriverProperties() {
		return this.driverProperties;
	}

	public void setDriverProperties(Map<String, String> driverProperties) {
		this.driverProperties = driverProperties;
	}

	public int getInstances() {
		return this.instances;
	}

	public void setInstances(int instances) {
		this.instances = instances;
	}

	public int getReservedConnections() {
		return this.reservedConnections;
	}

	public void setReservedConnections(int reservedConnections) {
		this.reservedConnections = reservedConnections;
	}

	public boolean isVerify() {
		return this.verify;
	}

	public void setVerify(boolean verify) {
		this.verify = verify;
	}

	public int getMaxWaiting() {
		return this.maxWaiting;
	}

	public void setMaxWaiting(int maxWaiting) {
		this.maxWaiting = maxWaiting;
	}

	public Budget getBudget() {
		return this.budget;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public Health getHealth() {
		return this.health;
	}

	public ServerMetrics getServerMetrics() {
		return this.serverMetrics;
	}

	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	public Pooler getPooler() {
		return this.pooler;
	}

	public Boolean getExpectPrimary() {
		return this.expectPrimary;
	}

	public void setExpectPrimary(Boolean expectPrimary) {
		this.expectPrimary = expectPrimary;
	}

	public Web getWeb() {
		return this.web;
	}

	public Map<String, Pool> getPools() {
		return this.pools;
	}

	public void setPools(Map<String, Pool> pools) {
		this.pools = pools;
	}

	public Replica getReplica() {
		return this.replica;
	}

	/**
	 * What to do with the connection budget check.
	 */
	public enum BudgetMode {

		/** Stop startup when the pool does not fit the server's connection budget. */
		FAIL,

		/** Log one warning line when the pool does not fit. */
		WARN,

		/** Skip the check. */
		OFF

	}

	/**
	 * How a connection pooler in front of the server (PgBouncer, RDS Proxy...) pools
	 * connections.
	 */
	public enum PoolerMode {

		/** Find out from a connection at startup. */
		AUTO,

		/** No pooler: the pool talks to PostgreSQL itself. */
		NONE,

		/** A server connection for each client connection, for its whole life. */
		SESSION,

		/** A server connection for each transaction only. */
		TRANSACTION,

		/** A server connection for each statement only. */
		STATEMENT

	}

	/**
	 * A connection pooler between the application and PostgreSQL (PgBouncer, RDS
	 * Proxy...).
	 */
	public static class Pooler {

		/**
		 * Whether a pooler is in front, and how it pools. auto finds out at startup, over
		 * one side connection, before the pool opens: a pooler shows itself because the
		 * backend the server reports is not the one the login announced, and its mode
		 * because a second client's transaction takes the first client's server
		 * connection away. Declare it where that cannot tell (a pooler that passes the
		 * backend through, a server unreachable at startup).
		 */
		private PoolerMode mode = PoolerMode.AUTO;

		/**
		 * Whether the pooler keeps server-side prepared statements across its server
		 * connections in transaction and statement mode (PgBouncer 1.21+ with
		 * max_prepared_statements above 0). Off: PoolGuard turns server-side prepared
		 * statements off (prepareThreshold=0) behind such a pooler, since a statement
		 * prepared on one server connection does not exist on the next ("prepared
		 * statement S_1 does not exist").
		 */
		private boolean preparedStatements = false;

		/**
		 * JDBC URL of the pooler's admin console (PgBouncer's virtual database
		 * "pgbouncer", e.g. jdbc:postgresql://pgbouncer:6432/pgbouncer), read with SHOW
		 * CONFIG and SHOW DATABASES so the budget can hold the pool against the pooler's
		 * max_client_conn and the pooler's server pool against the server's limits.
		 * Unset: those checks are reported as not done.
		 */
		private String adminUrl;

		/**
		 * User for the admin console, one of PgBouncer's admin_users or stats_users.
		 * Unset: the pool's user.
		 */
		private String adminUsername;

		/**
		 * Password for the admin console. Unset: the pool's password.
		 */
		private String adminPassword;

		/**
		 * How many pooler instances share the server (each has its own server pools).
		 */
		private int instances = 1;

		public PoolerMode getMode() {
			return this.mode;
		}

		public void setMode(PoolerMode mode) {
			this.mode = mode;
		}

		public boolean isPreparedStatements() {
			return this.preparedStatements;
		}

		public void setPreparedStatements(boolean preparedStatements) {
			this.preparedStatements = preparedStatements;
		}

		public String getAdminUrl() {
			return this.adminUrl;
		}

		public void setAdminUrl(String adminUrl) {
			this.adminUrl = adminUrl;
		}

		public String getAdminUsername() {
			return this.adminUsername;
		}

		public void setAdminUsername(String adminUsername) {
			this.adminUsername = adminUsername;
		}

		public String getAdminPassword() {
			return this.adminPassword;
		}

		public void setAdminPassword(String adminPassword) {
			this.adminPassword = adminPassword;
		}

		public int getInstances() {
			return this.instances;
		}

		public void setInstances(int instances) {
			this.instances = instances;
		}

	}

	/**
	 * The check of the pool against the server's real connection limits.
	 */
	public static class Budget {

		/**
		 * What to do when the pool does not fit the server's connection budget: fail
		 * startup, warn, or skip the check. Warn by default so that adding PoolGuard
		 * never stops a running deployment; pipelines should use fail or verify.
		 */
		private BudgetMode mode = BudgetMode.WARN;

		/**
		 * How far back the sizing advisor looks at the pool's traffic (acquisitions per
		 * second, hold times, waiting threads). 1 minute follows a change of load within
		 * a minute without being swayed by a single slow request. From 1s to 1h.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration adviceWindow = Duration.ofMinutes(1);

		public BudgetMode getMode() {
			return this.mode;
		}

		public void setMode(BudgetMode mode) {
			this.mode = mode;
		}

		public Duration getAdviceWindow() {
			return this.adviceWindow;
		}

		public void setAdviceWindow(Duration adviceWindow) {
			this.adviceWindow = adviceWindow;
		}

	}

	/**
	 * Retry of connection acquisition (never of a statement or a transaction).
	 */
	public static class Retry {

		/**
		 * Whether a transient failure to get a connection (server restarting, too many
		 * connections, connection refused) is retried.
		 */
		private boolean enabled = true;

		/**
		 * Attempts in all, the first included. 3 rides out a server restart or a short
		 * burst of "too many connections" without multiplying a real outage's wait. From 1
		 * to 10: every attempt adds to a request's wait.
		 */
		private int maxAttempts = 3;

		/**
		 * Wait before the first retry.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration initialBackoff = Duration.ofMillis(100);

		/**
		 * Longest wait between two attempts. At most 1m: a request waits through every
		 * backoff.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration maxBackoff = Duration.ofSeconds(1);

		/**
		 * Factor by which the wait grows after each attempt. From 1 to 10.
		 */
		private double multiplier = 2.0;

		/**
		 * Random spread of each wait, from 0 (none) to 1 (up to twice or none of it), so
		 * that instances do not retry in step.
		 */
		private double jitter = 0.5;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * Circuit breaker around connection acquisition.
	 */
	public static class CircuitBreaker {

		/**
		 * Whether persistent failures to reach the database open a circuit breaker, so
		 * that requests fail within milliseconds instead of each waiting pool-timeout.
		 */
		private boolean enabled = true;

		/**
		 * Percentage of failed acquisitions in the sliding window at which the breaker
		 * opens.
		 */
		private float failureRateThreshold = 50;

		/**
		 * Number of most recent acquisitions the failure rate is computed over. From 1 to
		 * 10000: so large a window notices an outage long after it began.
		 */
		private int slidingWindowSize = 20;

		/**
		 * Acquisitions needed in the window before the failure rate counts, so that one
		 * failure after a quiet night does not open the breaker.
		 */
		private int minimumNumberOfCalls = 5;

		/**
		 * Time the breaker stays open before it lets probe acquisitions through. 1s: the
		 * application notices a recovered database within about a second. At most 10m:
		 * while it is open every request fails. Also the Retry-After of a request whose
		 * connection was lost.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration waitDurationInOpenState = Duration.ofSeconds(1);

		/**
		 * Probe acquisitions allowed while half-open; when they succeed, the breaker
		 * closes.
		 */
		private int permittedCallsInHalfOpenState = 2;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public float getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(float failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public int getSlidingWindowSize() {
			return this.slidingWindowSize;
		}

		public void setSlidingWindowSize(int slidingWindowSize) {
			this.slidingWindowSize = slidingWindowSize;
		}

		public int getMinimumNumberOfCalls() {
			return this.minimumNumberOfCalls;
		}

		public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
			this.minimumNumberOfCalls = minimumNumberOfCalls;
		}

		public Duration getWaitDurationInOpenState() {
			return this.waitDurationInOpenState;
		}

		public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
			this.waitDurationInOpenState = waitDurationInOpenState;
		}

		public int getPermittedCallsInHalfOpenState() {
			return this.permittedCallsInHalfOpenState;
		}

		public void setPermittedCallsInHalfOpenState(int permittedCallsInHalfOpenState) {
			this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
		}

	}

	/**
	 * The poolguard health component.
	 */
	public static class Health {

		/**
		 * Pool utilisation, from 0 to 1, at or above which the pool reports itself
		 * saturated. 0.8, the alert threshold the incident reports settled on.
		 */
		private double saturationThreshold = 0.8;

		public double getSaturationThreshold() {
			return this.saturationThreshold;
		}

		public void setSaturationThreshold(double saturationThreshold) {
			this.saturationThreshold = saturationThreshold;
		}

	}

	/**
	 * Periodic sampling of the server's connections (pg_stat_activity) and limits.
	 */
	public static class ServerMetrics {

		/**
		 * Whether the server's connection counts and limits are sampled into metrics.
		 */
		private boolean enabled = true;

		/**
		 * Time between two samples. 15s matches a typical Prometheus scrape interval. From
		 * 1s to 1h.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration interval = Duration.ofSeconds(15);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	/**
	 * The poolguard actuator endpoint.
	 */
	public static class Endpoint {

		/**
		 * Whether the endpoint's write operation may resize the pool (within the
		 * connection budget). Off by default: resizing a production pool is a decision,
		 * not a side effect of an exposed endpoint.
		 */
		private boolean resizeEnabled = false;

		public boolean isResizeEnabled() {
			return this.resizeEnabled;
		}

		public void setResizeEnabled(boolean resizeEnabled) {
			this.resizeEnabled = resizeEnabled;
		}

	}

	/**
	 * How a Spring MVC application answers when PoolGuard refuses a connection.
	 */
	public static class Web {

		/**
		 * Whether a request that failed because of the database, not the application,
		 * answers HTTP 503 with a Retry-After header instead of a 500: PoolGuard refused a
		 * connection (DatabaseUnavailableException, PoolSaturatedException) or the
		 * connection was lost (SQLState class 08, 57P01-57P03), also when Spring, JPA or
		 * Hibernate wrap it. Rendered through Spring MVC's error handling (the error page
		 * for browsers, Problem Details for the rest); the application's own exception
		 * handlers win. Nothing else is intercepted.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * One pool's own settings. Only enabled is a field here: every other per-pool key is
	 * read with the top-level value under it, see {@code TunedPool#properties()}.
	 */
	public static class Pool {

		/**
		 * Whether PoolGuard tunes, guards and observes this pool. false leaves it exactly
		 * as Spring Boot or the application built it: no settings, no breaker, no health
		 * component, no meter, no side connection, not counted in the budget.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * A read replica: a second guarded pool to which read-only transactions go.
	 */
	public static class Replica {

		/**
		 * JDBC URL of a PostgreSQL standby (streaming replica) of the primary. When set,
		 * PoolGuard builds a second guarded pool, the bean replicaDataSource, and sends
		 * read-only transactions (@Transactional(readOnly = true),
		 * Connection.setReadOnly(true) before the first statement) to it through Spring's
		 * LazyConnectionDataSourceProxy; everything else goes to the primary.
		 */
		private String url;

		/**
		 * Role the replica pool logs in as. Defaults to the primary's: a physical replica
		 * has the primary's roles.
		 */
		private String username;

		/**
		 * Password of the replica pool's role. Defaults to the primary's.
		 */
		private String password;

		/**
		 * Largest replication lag at which read-only work still goes to the replica;
		 * past it, it goes to the primary until the replica has caught up. Lag is the
		 * age of the oldest WAL position the primary had written and the replica has not
		 * replayed, so an idle primary never makes a replica look late. 10s suits pages
		 * that show what a user just saved after a reload; 0 turns the check off. From 0
		 * to 1h.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration maxLag = Duration.ofSeconds(10);

		/**
		 * How often the replica's reachability and lag are measured, over one side
		 * connection to each server. It is also how soon read-only work returns to a
		 * replica that recovered. 1s measures lag within a second for two tiny queries a
		 * second. From 100ms to 1m.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration checkInterval = Duration.ofSeconds(1);

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public Duration getMaxLag() {
			return this.maxLag;
		}

		public void setMaxLag(Duration maxLag) {
			this.maxLag = maxLag;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

	}

}
