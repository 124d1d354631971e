public import Core
import Hummingbird
public import Logging
import Media
import Metrics
public import NIOCore
public import NIOPosix
public import Prometheus
public import Realtime
public import Redis
public import ServiceLifecycle
public import Storage

/// The whole server assembled from a configuration: the WebSocket endpoints, the HTTP routes, and
/// the services to run. `switchboard serve` and the in-process tests build it the same way.
public struct SwitchboardServer: Sendable {
    public let configuration: SwitchboardConfiguration
    public let webSocketServer: WebSocketServer
    public let metricsRegistry: PrometheusCollectorRegistry
    /// Where call, ticket and (later) presence events are published.
    public let eventBus: any EventBus
    /// The CRM database: SQLite under `DATA_DIR`, or PostgreSQL at `DATABASE_URL`.
    public let database: SQLDatabase
    public let store: CRMStore
    /// Client sessions: in this process, or in Redis at `REDIS_URL`, shared with every instance.
    public let sessionStore: any SessionStore
    /// The Redis client at `REDIS_URL`, `nil` without one.
    public let redis: RedisClient?
    private let redisSessionStore: RedisSessionStore?
    /// The connections this instance holds per session, closed when the session ends anywhere.
    public let sessionConnections = SessionConnections()
    /// The admin key made at first start when `API_KEYS` is unset; `serve` prints it once.
    public let generatedAdminKey: GeneratedAdminKey?
    private let keyRing: APIKeyRing
    private let storageGate = StorageGate()
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    /// Session changes and their consequences, for the routes, the reaper and the live socket.
    let sessions: SessionCoordinator

    /// - Parameters:
    ///   - metricsRegistry: where `/metrics` reads from; the server's own metrics are created in it.
    /// - Throws: ``GeneratedAdminKeyError`` when `API_KEYS` is unset and the key file is unusable;
    ///   ``ConfigurationError`` for a `REDIS_URL` the Redis adapter cannot use.
    public init(
        configuration: SwitchboardConfiguration,
        logger: Logger,
        metricsRegistry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        eventBus: any EventBus = InProcessEventBus(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        self.configuration = configuration
        if configuration.apiKeys.isEmpty {
            let generated = try GeneratedAdminKey.loadOrCreate(dataDirectory: configuration.dataDirectory)
            self.generatedAdminKey = generated
            self.keyRing = APIKeyRing(grants: [APIKeyGrant(key: generated.key, role: .admin)])
        } else {
            self.generatedAdminKey = nil
            self.keyRing = APIKeyRing(grants: configuration.apiKeys)
        }
        self.database = Self.makeDatabase(configuration)
        self.store = CRMStore(database: self.database)
        if let url = configuration.redisURL {
            let redisConfiguration: RedisConfiguration
            do {
                redisConfiguration = try RedisConfiguration(url: url)
            } catch {
                throw ConfigurationError(variable: "REDIS_URL", value: nil, expected: "\(error)")
            }
            let client = RedisClient(
                configuration: redisConfiguration, eventLoopGroup: eventLoopGroup, logger: logger,
                metricsFactory: Self.makeMetricsFactory(registry: metricsRegistry))
            let store = RedisSessionStore(client: client, policy: configuration.sessionPolicy, logger: logger)
            self.redis = client
            self.redisSessionStore = store
            self.sessionStore = store
        } else {
            self.redis = nil
            self.redisSessionStore = nil
            self.sessionStore = InProcessSessionStore(policy: configuration.sessionPolicy)
        }
        self.logger = logger
        self.metricsRegistry = metricsRegistry
        self.eventBus = eventBus
        self.eventLoopGroup = eventLoopGroup
        let metricsFactory = Self.makeMetricsFactory(registry: metricsRegistry)
        self.sessions = SessionCoordinator(
            store: self.sessionStore, crm: self.store, eventBus: eventBus, aftermath: SessionAftermath(),
            metrics: SessionMetrics(factory: metricsFactory), logger: logger)
        self.webSocketServer = WebSocketServer(
            routes: Self.webSocketRoutes(
                configuration,
                apps: Self.callApps(configuration),
                eventBus: eventBus,
                metricsFactory: metricsFactory
            ),
            logger: logger,
            metricsFactory: metricsFactory
        )
    }

    /// The Prometheus factory with Switchboard's histogram buckets; `serve` bootstraps the global
    /// metrics system with one made here too.
    public static func makeMetricsFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Queue high-water marks are frame counts up to the queue capacities (500 / 600 by default).
        factory.valueHistogramBuckets["switchboard_media_queue_high_water_frames"] = [
            0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 600, 1000,
        ]
        return factory
    }

    /// Every WebSocket endpoint, by path. Later endpoints (`/v1/live`) are added here.
    static func webSocketRoutes(
        _ configuration: SwitchboardConfiguration,
        apps: CallAppCatalog,
        eventBus: any EventBus,
        metricsFactory: any MetricsFactory
    ) -> WebSocketRoutes {
        var routes = WebSocketRoutes()
        var echo = EchoEndpoint.defaultConfiguration
        echo.apply(configuration, isBrowserFacing: true)
        routes.add("/v1/echo", EchoEndpoint(configuration: echo))

        var mediaSocket = MediaEndpoint.defaultConfiguration
        mediaSocket.apply(configuration, isBrowserFacing: false)
        var media = MediaEndpointConfiguration(apps: apps, eventBus: eventBus)
        media.receiveQueueCapacity = configuration.mediaReceiveQueue
        media.sendQueueCapacity = configuration.mediaSendQueue
        media.startTimeout = TimeAmount(configuration.mediaStartTimeout)
        media.signatureValidator = configuration.twilioAuthToken.map {
            TwilioSignatureValidator(authToken: $0, publicURL: configuration.publicURL)
        }
        routes.add(
            "/v1/media", MediaEndpoint(configuration: mediaSocket, media: media, metricsFactory: metricsFactory))
        return routes
    }

    /// The database `DATABASE_URL` names, else the SQLite file in `DATA_DIR`. Opening is lazy: no
    /// connection is made until the first query.
    public static func makeDatabase(_ configuration: SwitchboardConfiguration) -> SQLDatabase {
        var pool = SQLDatabase.Configuration()
        pool.poolSize = configuration.databasePoolSize
        if let url = configuration.databaseURL {
            return SQLDatabase(connector: PostgresConnector(url: url), configuration: pool)
        }
        return SQLDatabase(
            connector: SQLiteConnector(path: configuration.dataDirectory + "/switchboard.sqlite"), configuration: pool)
    }

    /// Brings the schema up to date once before the server listens, so the first request finds its
    /// tables. When the database is down the storage service keeps trying in the background (CRM
    /// routes answer 503 meanwhile); a schema that does not fit this build is for the caller to stop on.
    @discardableResult
    public func prepareStorage() async -> MigrationOutcome {
        await StorageService.migrate(self.database, gate: self.storageGate, logger: self.logger)
    }

    /// The services to run in a `ServiceGroup`: storage, the HTTP server, the call log, the session
    /// reaper, then the WebSocket drain (graceful shutdown runs in reverse order: WebSockets drain first, the
    /// database closes last).
    /// - Parameter onServerRunning: called with the bound port once the server listens.
    public func makeServices(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> [any Service] {
        let router = Router(context: SwitchboardRequestContext.self)
        let catalog = RouteCatalog()
        // CORS outermost, so its headers reach every answer, problems included.
        router.add(middleware: CORSMiddleware(allowedOrigins: self.configuration.allowedOrigins))
        router.add(middleware: ProblemMiddleware(catalog: catalog))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: APIKeyMiddleware(keyRing: self.keyRing))
        let rateLimit = RateLimitMiddleware(limitPerMinute: self.configuration.rateLimitPerMinute)
        router.add(middleware: rateLimit)
        router.add(middleware: StorageGateMiddleware(gate: self.storageGate))
        router.add(
            middleware: IdempotencyMiddleware(store: IdempotencyStore(database: self.database), catalog: catalog))
        let routes = RouteRegistrar(router: router, catalog: catalog)
        SystemRoutes(
            checks: [
                DataDirectoryCheck(path: self.configuration.dataDirectory),
                WebSocketServerCheck(server: self.webSocketServer),
                EventLoopCheck(group: self.eventLoopGroup),
                DatabaseCheck(database: self.database, gate: self.storageGate),
            ] + (self.redis.map { [RedisCheck(client: $0)] } ?? []),
            registry: self.metricsRegistry
        ).add(to: router, catalog: catalog)
        CRMRoutes(
            store: self.store, eventBus: self.eventBus,
            recordings: RecordingFiles(directory: self.configuration.effectiveRecordingsDirectory),
            sessions: self.sessionStore
        ).add(to: routes)
        SessionRoutes(coordinator: self.sessions).add(to: routes)
        OpenAPIRoutes().add(to: routes)

        let serverName = "Switchboard/\(SwitchboardVersion.current)"
        var onePort = OnePortChildChannel.Configuration(
            handshakeTimeout: TimeAmount(self.configuration.handshakeTimeout),
            idleTimeout: TimeAmount(self.configuration.httpIdleTimeout))
        onePort.heartbeats = HeartbeatFastPath(
            coordinator: self.sessions, keyRing: self.keyRing, rateLimit: rateLimit, storageGate: self.storageGate,
            serverName: serverName)
        let application = Application(
            router: router,
            server: .onePort(webSocketServer: self.webSocketServer, configuration: onePort),
            configuration: .init(
                address: .hostname(self.configuration.host, port: self.configuration.port),
                serverName: serverName
            ),
            onServerRunning: { channel in
                await onServerRunning(channel.localAddress?.port ?? 0)
            },
            eventLoopGroupProvider: .shared(self.eventLoopGroup),
            logger: self.logger
        )
        let drain = WebSocketDrainService(server: self.webSocketServer, timeout: self.configuration.drainTimeout)
        let storage = StorageService(database: self.database, gate: self.storageGate, logger: self.logger)
        let callLog = CallLogService(
            store: self.store, subscription: self.eventBus.subscribe(bufferSize: CallLogService.bufferSize),
            logger: self.logger)
        let reaper = SessionReaper(
            coordinator: self.sessions, connections: self.sessionConnections, logger: self.logger)
        // Redis stops after everything that uses it (graceful shutdown runs in reverse order).
        let redis: [any Service] = [self.redis as (any Service)?, self.redisSessionStore].compactMap { $0 }
        return [storage] + redis + [application, callLog, reaper, drain]
    }
}

extension WebSocketEndpointConfiguration {
    /// Applies the server-wide WebSocket settings from the environment to an endpoint's defaults.
    /// Browser-reachable endpoints take `ALLOWED_ORIGINS`; provider endpoints keep `.any`, since
    /// providers send no `Origin`.
    mutating func apply(_ configuration: SwitchboardConfiguration, isBrowserFacing: Bool) {
        if isBrowserFacing {
            self.allowedOrigins = OriginPolicy(allowedOrigins: configuration.allowedOrigins)
        }
        self.maxConnections = configuration.webSocketMaxConnections
        self.pingInterval = TimeAmount(configuration.webSocketPingInterval)
        self.pongTimeout = TimeAmount(configuration.webSocketPongTimeout)
        self.idleTimeout = TimeAmount(configuration.webSocketIdleTimeout)
        self.closeTimeout = TimeAmount(configuration.webSocketCloseTimeout)
    }
}
