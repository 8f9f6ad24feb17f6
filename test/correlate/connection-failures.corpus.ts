/**
 * Connection failures as client libraries and runtimes print them, each with the endpoints
 * (`host` or `host:port`) the recognizer must read from it. Lines follow the libraries' own
 * message formats; hosts, addresses and timestamps are those of a small shop cluster. A few
 * entries are two lines (a wrapper exception and its cause), as the logs carry them.
 */
export interface CorpusLine {
  client: string;
  line: string;
  targets: string[];
}

export const CONNECTION_FAILURES: CorpusLine[] = [
  // Redis clients
  {
    client: 'StackExchange.Redis (.NET)',
    line: 'StackExchange.Redis.RedisConnectionException: It was not possible to connect to the redis server(s). UnableToConnect on redis-cart:6379/Interactive, Initializing/NotStarted, last: NONE, origin: BeginConnectAsync, outstanding: 0, last-read: 0s ago, last-write: 0s ago, keep-alive: 60s, state: Connecting, mgr: 10 of 10 available, last-heartbeat: never, global: 0s ago, v: 2.2.4.27433',
    targets: ['redis-cart:6379'],
  },
  {
    client: 'StackExchange.Redis (.NET)',
    line: 'StackExchange.Redis.RedisConnectionException: No connection is active/available to service this operation: HGET 7a3c; UnableToConnect on redis-cart:6379/Interactive, Initializing/NotStarted, last: NONE, origin: BeginConnectAsync',
    targets: ['redis-cart:6379'],
  },
  {
    client: 'StackExchange.Redis (.NET)',
    line: 'StackExchange.Redis.RedisConnectionException: It was not possible to connect to the redis server(s). ConnectTimeout on redis-cart.shop.svc.cluster.local:6379/Interactive',
    targets: ['redis-cart.shop.svc.cluster.local:6379'],
  },
  {
    client: 'Jedis (Java)',
    line: 'redis.clients.jedis.exceptions.JedisConnectionException: Failed to connect to redis-cart:6379.',
    targets: ['redis-cart:6379'],
  },
  {
    client: 'Jedis (Java)',
    line: 'redis.clients.jedis.exceptions.JedisConnectionException: Failed connecting to host redis-cart:6379',
    targets: ['redis-cart:6379'],
  },
  {
    client: 'Lettuce (Java)',
    line: 'io.lettuce.core.RedisConnectionException: Unable to connect to redis-cart.shop.svc.cluster.local/10.96.44.2:6379',
    targets: ['redis-cart.shop.svc.cluster.local:6379'],
  },
  {
    client: 'Lettuce (Java)',
    line: 'io.lettuce.core.RedisConnectionException: Unable to connect to 10.96.44.2:6379',
    targets: ['10.96.44.2:6379'],
  },
  {
    client: 'go-redis',
    line: 'redis: failed to connect: dial tcp 10.96.44.2:6379: connect: connection refused',
    targets: ['10.96.44.2:6379'],
  },
  {
    client: 'go-redis',
    line: 'dial tcp: lookup redis-cart on 10.96.0.10:53: no such host',
    targets: ['redis-cart'],
  },
  {
    client: 'redis-py',
    line: 'redis.exceptions.ConnectionError: Error 111 connecting to redis-cart:6379. Connection refused.',
    targets: ['redis-cart:6379'],
  },
  {
    client: 'redis-py',
    line: 'redis.exceptions.ConnectionError: Error -3 connecting to redis-cart:6379. Temporary failure in name resolution.',
    targets: ['redis-cart:6379'],
  },
  {
    client: 'redis-py',
    line: 'redis.exceptions.TimeoutError: Timeout connecting to server redis-cart:6379',
    targets: ['redis-cart:6379'],
  },
  {
    client: 'ioredis (Node.js)',
    line: '[ioredis] Unhandled error event: Error: connect ECONNREFUSED 10.96.44.2:6379',
    targets: ['10.96.44.2:6379'],
  },
  {
    client: 'ioredis (Node.js)',
    line: '[ioredis] Unhandled error event: Error: getaddrinfo ENOTFOUND redis-cart',
    targets: ['redis-cart'],
  },
  // PostgreSQL
  {
    client: 'libpq',
    line: 'psql: error: connection to server at "postgres.db.svc.cluster.local" (10.96.3.3), port 5432 failed: Connection refused',
    targets: ['postgres.db.svc.cluster.local:5432'],
  },
  {
    client: 'libpq',
    line: 'could not connect to server: Connection refused Is the server running on host "orders-db" (10.96.3.3) and accepting TCP/IP connections on port 5432?',
    targets: ['orders-db:5432'],
  },
  {
    client: 'libpq',
    line: 'FATAL: could not translate host name "orders-db" to address: Name or service not known',
    targets: ['orders-db'],
  },
  {
    client: 'psycopg (Python)',
    line: 'psycopg.OperationalError: connection failed: connection to server at "10.96.3.3", port 5432 failed: Connection timed out',
    targets: ['10.96.3.3:5432'],
  },
  {
    client: 'psycopg2 (Python)',
    line: 'psycopg2.OperationalError: could not translate host name "orders-db" to address: Temporary failure in name resolution',
    targets: ['orders-db'],
  },
  {
    client: 'pgx (Go)',
    line: 'failed to connect to `host=orders-db user=orders database=orders`: dial error (dial tcp 10.96.3.3:5432: connect: connection refused)',
    targets: ['orders-db', '10.96.3.3:5432'],
  },
  {
    client: 'pgx (Go)',
    line: 'failed to connect to `user=orders database=orders`: 10.96.3.3:5432 (orders-db): dial error: dial tcp 10.96.3.3:5432: connect: connection refused',
    targets: ['orders-db:5432', '10.96.3.3:5432'],
  },
  {
    client: 'PostgreSQL JDBC',
    line: 'org.postgresql.util.PSQLException: Connection to orders-db:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.',
    targets: ['orders-db:5432'],
  },
  {
    client: 'node-postgres',
    line: 'Error: connect ECONNREFUSED 10.96.3.3:5432 at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1595:16)',
    targets: ['10.96.3.3:5432'],
  },
  {
    client: 'node-postgres',
    line: 'Error: getaddrinfo EAI_AGAIN orders-db',
    targets: ['orders-db'],
  },
  {
    client: 'Npgsql (.NET)',
    line: 'Npgsql.NpgsqlException (0x80004005): Failed to connect to 10.96.3.3:5432',
    targets: ['10.96.3.3:5432'],
  },
  // MySQL
  {
    client: 'mysql client (C)',
    line: "ERROR 2003 (HY000): Can't connect to MySQL server on 'mysql.db.svc.cluster.local:3306' (111)",
    targets: ['mysql.db.svc.cluster.local:3306'],
  },
  {
    client: 'mysql client (C)',
    line: "ERROR 2005 (HY000): Unknown MySQL server host 'catalog-db' (-2)",
    targets: ['catalog-db'],
  },
  {
    client: 'PyMySQL',
    line: `pymysql.err.OperationalError: (2003, "Can't connect to MySQL server on 'catalog-db' ([Errno 111] Connection refused)")`,
    targets: ['catalog-db'],
  },
  {
    client: 'go-sql-driver/mysql',
    line: '[mysql] 2026/11/22 00:06:01 connection.go:49: dial tcp 10.96.8.8:3306: connect: connection refused',
    targets: ['10.96.8.8:3306'],
  },
  {
    client: 'MySQL Connector/J',
    line: 'com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure\nCaused by: java.net.ConnectException: Connection refused\nCaused by: com.mysql.cj.exceptions.CJCommunicationsException: Communications link failure connecting to catalog-db:3306',
    targets: ['catalog-db:3306'],
  },
  {
    client: 'mysql2 (Node.js)',
    line: 'Error: connect ECONNREFUSED 10.96.8.8:3306',
    targets: ['10.96.8.8:3306'],
  },
  // gRPC
  {
    client: 'grpc-go',
    line: 'failed to get cart: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.96.12.34:7070: connect: connection refused"',
    targets: ['10.96.12.34:7070'],
  },
  {
    client: 'grpc-go',
    line: 'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing dial tcp: lookup cartservice on 10.96.0.10:53: no such host"',
    targets: ['cartservice'],
  },
  {
    client: 'grpc-go',
    line: 'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.96.12.34:7070: i/o timeout"',
    targets: ['10.96.12.34:7070'],
  },
  {
    client: 'grpc-java',
    line: 'io.grpc.StatusRuntimeException: UNAVAILABLE: io exception\nCaused by: io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: cartservice/10.96.12.34:7070',
    targets: ['cartservice:7070'],
  },
  {
    client: 'grpc-java',
    line: 'io.grpc.StatusRuntimeException: UNAVAILABLE: Unable to resolve host cartservice',
    targets: ['cartservice'],
  },
  {
    client: 'grpc (Python)',
    line: 'grpc._channel._InactiveRpcError: <_InactiveRpcError of RPC that terminated with: status = StatusCode.UNAVAILABLE details = "failed to connect to all addresses; last error: UNKNOWN: ipv4:10.96.12.34:7070: Failed to connect to remote host: Connection refused">',
    targets: ['10.96.12.34:7070'],
  },
  {
    client: 'grpc (Python)',
    line: 'status = StatusCode.UNAVAILABLE details = "DNS resolution failed for cartservice:7070: C-ares status is not ARES_SUCCESS qtype=A name=cartservice is_balancer=0: Domain name not found"',
    targets: ['cartservice:7070'],
  },
  {
    client: 'grpc-js (Node.js)',
    line: 'Error: 14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.96.12.34:7070 (2026-11-22T00:06:01.123Z)',
    targets: ['10.96.12.34:7070'],
  },
  {
    client: 'grpc-js (Node.js)',
    line: 'Error: 14 UNAVAILABLE: Name resolution failed for target dns:cartservice:7070',
    targets: ['cartservice:7070'],
  },
  {
    client: 'Grpc.Net.Client (.NET)',
    line: 'Grpc.Core.RpcException: Status(StatusCode="Unavailable", Detail="Error starting gRPC call. HttpRequestException: Connection refused (cartservice:7070) SocketException: Connection refused", DebugException="System.Net.Http.HttpRequestException: Connection refused (cartservice:7070)")',
    targets: ['cartservice:7070'],
  },
  // HTTP clients
  {
    client: 'axios (Node.js)',
    line: 'AxiosError: connect ECONNREFUSED 10.96.5.5:8080',
    targets: ['10.96.5.5:8080'],
  },
  {
    client: 'axios (Node.js)',
    line: 'AxiosError: getaddrinfo ENOTFOUND productcatalogservice',
    targets: ['productcatalogservice'],
  },
  {
    client: 'requests (Python)',
    line: "requests.exceptions.ConnectionError: HTTPConnectionPool(host='payments', port=8080): Max retries exceeded with url: /charge (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3a2c1d>: Failed to establish a new connection: [Errno 111] Connection refused'))",
    targets: ['payments:8080'],
  },
  {
    client: 'aiohttp (Python)',
    line: "aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host payments:8080 ssl:default [Connect call failed ('10.96.5.5', 8080)]",
    targets: ['payments:8080', '10.96.5.5:8080'],
  },
  {
    client: 'Spring RestTemplate (Java)',
    line: 'org.springframework.web.client.ResourceAccessException: I/O error on POST request for "http://payments:8080/charge": Connection refused',
    targets: ['payments:8080'],
  },
  {
    client: 'OkHttp (Java)',
    line: 'java.net.ConnectException: Failed to connect to payments/10.96.5.5:8080',
    targets: ['payments:8080'],
  },
  {
    client: 'Apache HttpClient (Java)',
    line: 'org.apache.http.conn.HttpHostConnectException: Connect to payments:8080 [payments/10.96.5.5] failed: Connection refused (Connection refused)',
    targets: ['payments:8080'],
  },
  {
    client: 'curl',
    line: 'curl: (7) Failed to connect to payments port 8080 after 3 ms: Connection refused',
    targets: ['payments:8080'],
  },
  {
    client: 'curl',
    line: 'curl: (6) Could not resolve host: payments',
    targets: ['payments'],
  },
  {
    client: 'Go net/http',
    line: 'Post "http://payments:8080/charge": dial tcp 10.96.5.5:8080: connect: connection refused',
    targets: ['payments:8080', '10.96.5.5:8080'],
  },
  {
    client: '.NET HttpClient',
    line: 'System.Net.Http.HttpRequestException: Connection refused (payments:8080)',
    targets: ['payments:8080'],
  },
  {
    client: 'node-fetch (Node.js)',
    line: 'FetchError: request to http://payments:8080/charge failed, reason: connect ECONNREFUSED 10.96.5.5:8080',
    targets: ['payments:8080', '10.96.5.5:8080'],
  },
  // Kafka
  {
    client: 'Kafka Java client',
    line: '[Producer clientId=producer-1] Connection to node -1 (kafka.messaging.svc.cluster.local/10.96.9.9:9092) could not be established. Broker may not be available.',
    targets: ['kafka.messaging.svc.cluster.local:9092'],
  },
  {
    client: 'librdkafka',
    line: '%3|1732233961.123|FAIL|rdkafka#producer-1| [thrd:kafka:9092/bootstrap]: kafka:9092/bootstrap: Connect to ipv4#10.96.9.9:9092 failed: Connection refused (after 0ms in state CONNECT)',
    targets: ['kafka:9092', '10.96.9.9:9092'],
  },
  {
    client: 'kafkajs (Node.js)',
    line: '{"level":"ERROR","logger":"kafkajs","message":"[BrokerPool] Failed to connect to seed broker, trying another broker from the list: Connection error: getaddrinfo ENOTFOUND kafka","retryCount":0}',
    targets: ['kafka'],
  },
  {
    client: 'sarama (Go)',
    line: 'kafka: client has run out of available brokers to talk to: dial tcp 10.96.9.9:9092: connect: connection refused',
    targets: ['10.96.9.9:9092'],
  },
  // AMQP
  {
    client: 'pika (Python)',
    line: "pika.adapters.utils.connection_workflow: TCP Connection attempt failed: ConnectionRefusedError(111, 'Connection refused'); dest=(<AddressFamily.AF_INET: 2>, <SocketKind.SOCK_STREAM: 1>, 6, '', ('10.96.6.6', 5672))",
    targets: ['10.96.6.6:5672'],
  },
  {
    client: 'amqplib (Node.js)',
    line: 'Error: connect ECONNREFUSED 10.96.6.6:5672',
    targets: ['10.96.6.6:5672'],
  },
  {
    client: 'Spring AMQP (Java)',
    line: 'o.s.a.r.l.SimpleMessageListenerContainer : Consumer raised exception, processing can restart if the connection factory supports it. Exception summary: org.springframework.amqp.AmqpConnectException: java.net.UnknownHostException: rabbitmq',
    targets: ['rabbitmq'],
  },
  {
    client: 'amqp091-go',
    line: 'Exception (501) Reason: "dial tcp: lookup rabbitmq on 10.96.0.10:53: no such host"',
    targets: ['rabbitmq'],
  },
  {
    client: 'RabbitMQ .NET client',
    line: 'RabbitMQ.Client.Exceptions.BrokerUnreachableException: None of the specified endpoints were reachable\n ---> System.Net.Sockets.SocketException (111): Connection refused 10.96.6.6:5672',
    targets: ['10.96.6.6:5672'],
  },
  // MongoDB
  {
    client: 'MongoDB Node.js driver',
    line: 'MongoServerSelectionError: connect ECONNREFUSED 10.96.4.4:27017',
    targets: ['10.96.4.4:27017'],
  },
  {
    client: 'MongoDB Node.js driver',
    line: 'MongoServerSelectionError: getaddrinfo ENOTFOUND mongo',
    targets: ['mongo'],
  },
  {
    client: 'MongoDB Java driver',
    line: 'com.mongodb.MongoTimeoutException: Timed out after 30000 ms while waiting to connect. Client view of cluster state is {type=UNKNOWN, servers=[{address=mongo:27017, type=UNKNOWN, state=CONNECTING, exception={com.mongodb.MongoSocketOpenException: Exception opening socket}, caused by {java.net.ConnectException: Connection refused}}]',
    targets: ['mongo:27017'],
  },
  {
    client: 'pymongo',
    line: 'pymongo.errors.ServerSelectionTimeoutError: mongo:27017: [Errno 111] Connection refused, Timeout: 30s, Topology Description: <TopologyDescription id: 6741, topology_type: Unknown>',
    targets: ['mongo:27017'],
  },
  {
    client: 'MongoDB Go driver',
    line: 'server selection error: context deadline exceeded, current topology: { Type: Unknown, Servers: [{ Addr: mongo:27017, Type: Unknown, Last error: dial tcp 10.96.4.4:27017: connect: connection refused }, ] }',
    targets: ['mongo:27017', '10.96.4.4:27017'],
  },
  {
    client: 'MongoDB .NET driver',
    line: 'System.TimeoutException: A timeout occurred after 30000ms selecting a server using CompositeServerSelector. Client view of cluster state is { ClusterId : "1", Type : "Unknown", State : "Disconnected", Servers : [{ ServerId: "{ ClusterId : 1, EndPoint : "Unspecified/mongo:27017" }", EndPoint: "Unspecified/mongo:27017", State: "Disconnected", Type: "Unknown", HeartbeatException: "MongoDB.Driver.MongoConnectionException: An exception occurred while opening a connection to the server. ---> System.Net.Sockets.SocketException: Connection refused" }] }',
    targets: ['mongo:27017'],
  },
  // DNS
  {
    client: 'nslookup',
    line: "** server can't find payments.shop.svc.cluster.local: NXDOMAIN",
    targets: ['payments.shop.svc.cluster.local'],
  },
  {
    client: 'Java resolver',
    line: 'java.net.UnknownHostException: payments.shop.svc.cluster.local',
    targets: ['payments.shop.svc.cluster.local'],
  },
  {
    client: '.NET resolver',
    line: 'System.Net.Http.HttpRequestException: Name or service not known (payments:8080)',
    targets: ['payments:8080'],
  },
  {
    client: 'Go resolver',
    line: 'Get "http://inventory/items": dial tcp: lookup inventory on 10.96.0.10:53: server misbehaving',
    targets: ['inventory'],
  },
  // Timeouts
  {
    client: 'Node.js net',
    line: 'Error: connect ETIMEDOUT 10.96.5.5:8080',
    targets: ['10.96.5.5:8080'],
  },
  {
    client: 'requests (Python)',
    line: "requests.exceptions.ConnectTimeout: HTTPConnectionPool(host='inventory', port=8080): Max retries exceeded with url: /items (Caused by ConnectTimeoutError(<urllib3.connection.HTTPConnection object at 0x7f2c>, 'Connection to inventory timed out. (connect timeout=3)'))",
    targets: ['inventory:8080'],
  },
  {
    client: 'Spring RestTemplate (Java)',
    line: 'org.springframework.web.client.ResourceAccessException: I/O error on GET request for "http://inventory:8080/items": Connect timed out',
    targets: ['inventory:8080'],
  },
  // TLS handshake failures
  {
    client: 'Go crypto/tls',
    line: 'Get "https://payments:8443/charge": remote error: tls: handshake failure',
    targets: ['payments:8443'],
  },
  {
    client: 'Java JSSE',
    line: 'org.springframework.web.client.ResourceAccessException: I/O error on POST request for "https://payments:8443/charge": Remote host terminated the handshake; nested exception is javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake',
    targets: ['payments:8443'],
  },
  {
    client: 'node-fetch (Node.js)',
    line: 'FetchError: request to https://payments:8443/charge failed, reason: Client network socket disconnected before secure TLS connection was established',
    targets: ['payments:8443'],
  },
  {
    client: 'requests (Python)',
    line: "requests.exceptions.SSLError: HTTPSConnectionPool(host='payments', port=8443): Max retries exceeded with url: /charge (Caused by SSLError(SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1129)')))",
    targets: ['payments:8443'],
  },
  {
    client: 'curl',
    line: 'curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to payments:8443',
    targets: ['payments:8443'],
  },
];

/** Lines that mention endpoints without a failed outbound connection: nothing may be read from them. */
export const NOT_CONNECTION_FAILURES: Array<{ what: string; line: string }> = [
  { what: 'a server listening', line: 'Now listening on: http://0.0.0.0:7070' },
  { what: 'a successful connection', line: 'Connected to redis-cart:6379 in 3 ms' },
  { what: 'a TLS error of an incoming client (Go server)', line: 'http: TLS handshake error from 10.244.1.5:43210: EOF' },
  { what: 'an access log line', line: '10.244.1.5 - - [22/Nov/2026:00:06:01 +0000] "GET /cart HTTP/1.1" 200 512 "-" "curl/8.4.0"' },
  { what: 'configuration echoed at start-up', line: 'config: REDIS_ADDR=redis-cart:6379 PRODUCT_CATALOG_SERVICE_ADDR=productcatalogservice:3550' },
  { what: 'a timeout of the service’s own handler', line: 'request GET /cart timed out after 30s while rendering template' },
];
