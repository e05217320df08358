package dev.ballast.embedded;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.InProcessGRPCServer;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Temporal service: Temporal's Java test server running in this JVM, in real time,
 * keeping everything in memory (a restart loses every workflow). It answers {@code
 * DescribeTaskQueue}, which the test server lacks, with the pollers it recorded ({@link
 * PollerRegistry}), so that {@code ballast workers} works against it. It listens on loopback only
 * unless a bind host is given explicitly; it has no authentication, so never expose it.
 *
 * <p>{@code TestServer.createPortBoundServer} binds every interface, so this class wires the test
 * services into a gRPC server of its own bound to one address. The same services are also served
 * in process ({@link #inProcessChannel()}), for a worker and client running in this JVM.
 *
 * <p>The server's network threads are its own and end with {@link #close()}. gRPC's shared default
 * threads would outlive it by a second, and a JVM that exits while a thread waits in native code
 * (here: for network events) waits a further 0.3 s before it halts: a cost every {@code ballast
 * run} would pay.
 */
public final class EmbeddedTemporal implements AutoCloseable {
  /** The loopback address the service binds by default. */
  public static final String LOOPBACK = "127.0.0.1";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedTemporal.class);

  private final TestServicesStarter services;
  private final PollerRegistry pollers;
  private final Server server;
  private final Network network;
  private final InProcessGRPCServer inProcess;
  private final String host;
  private final int port;
  private boolean closed;

  private EmbeddedTemporal(
      TestServicesStarter services,
      PollerRegistry pollers,
      Server server,
      Network network,
      InProcessGRPCServer inProcess,
      String host,
      int port) {
    this.services = services;
    this.pollers = pollers;
    this.server = server;
    this.network = network;
    this.inProcess = inProcess;
    this.host = host;
    this.port = port;
  }

  /** Starts the service on loopback; {@code port} 0 picks a free port. */
  public static EmbeddedTemporal start(int port) {
    return start(LOOPBACK, port);
  }

  /**
   * Starts the service bound to {@code bindHost} (for example {@code 0.0.0.0} to accept other
   * machines: the service is unauthenticated); {@code port} 0 picks a free port.
   */
  public static EmbeddedTemporal start(String bindHost, int port) {
    return start(bindHost, port, null, null);
  }

  /**
   * Starts the service behind TLS, serving the PEM certificate chain {@code certChain} with its
   * PEM PKCS#8 key {@code privateKey} (for testing TLS clients; still unauthenticated).
   */
  public static EmbeddedTemporal startTls(String bindHost, int port, File certChain, File privateKey) {
    return start(bindHost, port, java.util.Objects.requireNonNull(certChain), java.util.Objects.requireNonNull(privateKey));
  }

  private static EmbeddedTemporal start(String bindHost, int port, File certChain, File privateKey) {
    InetAddress bind;
    try {
      bind = InetAddress.getByName(bindHost);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown bind host '" + bindHost + "'", e);
    }
    // true: lock time skipping, so timers run in real time as on a real cluster.
    TestServicesStarter services = new TestServicesStarter(true, 0);
    PollerRegistry pollers = new PollerRegistry(Clock.systemUTC());
    ServerInterceptor recordPolls = pollers.interceptor();
    ServerInterceptor describeTaskQueue = pollers.describeTaskQueue();
    Network network = new Network();
    try {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new InetSocketAddress(bind, port))
              .channelType(NioServerSocketChannel.class)
              .bossEventLoopGroup(network.accept)
              .workerEventLoopGroup(network.connections);
      if (certChain != null) {
        builder.useTransportSecurity(certChain, privateKey);
      }
      GRPCServerHelper.registerServicesAndHealthChecks(
          services.getServices(), builder, List.of(recordPolls, describeTaskQueue));
      Server server = builder.build().start();
      InProcessGRPCServer inProcess;
      try {
        List<BindableService> intercepted = new ArrayList<>();
        for (BindableService service : services.getServices()) {
          intercepted.add(
              () -> ServerInterceptors.intercept(service.bindService(), recordPolls, describeTaskQueue));
        }
        inProcess = new InProcessGRPCServer(intercepted, true);
      } catch (RuntimeException e) {
        server.shutdownNow();
        throw e;
      }
      // A wildcard bind is reached through loopback from this machine.
      String host = bind.isAnyLocalAddress() ? LOOPBACK : bind.getHostAddress();
      EmbeddedTemporal embedded =
          new EmbeddedTemporal(services, pollers, server, network, inProcess, host, server.getPort());
      log.info("Embedded Temporal service listening on {} (bound to {})", embedded.address(), bindHost);
      return embedded;
    } catch (IOException e) {
      network.close();
      services.close();
      throw new UncheckedIOException(
          "cannot start the embedded Temporal service on " + bindHost + ":" + port + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      network.close();
      services.close();
      throw e;
    }
  }

  /** The server's own network threads: one accepts connections, the others serve them. */
  private static final class Network {
    final EventLoopGroup accept =
        new NioEventLoopGroup(1, new DefaultThreadFactory("ballast-embedded-accept", true));
    final EventLoopGroup connections =
        new NioEventLoopGroup(0, new DefaultThreadFactory("ballast-embedded-network", true));

    /** Ends both groups' threads, waiting up to a few seconds for them (after the server stopped). */
    void close() {
      var a = accept.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      var c = connections.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      a.awaitUninterruptibly(5, TimeUnit.SECONDS);
      c.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** The address clients connect to: {@code HOST:PORT}. */
  public String address() {
    return host + ":" + port;
  }

  /**
   * The workers that polled a task queue of this service in the last five minutes (over the
   * network or in process), as a real server's {@code DescribeTaskQueue} lists them; the test
   * server itself keeps no such list.
   */
  public List<PollerInfo> pollers(String namespace, String taskQueue, TaskQueueType type) {
    return pollers.pollers(namespace, taskQueue, type);
  }

  /** The port the service listens on. */
  public int port() {
    return port;
  }

  /**
   * A channel to this service that stays inside this JVM: no socket, no HTTP/2 framing, no thread
   * hop on the calling side. For a worker or client in the same process as the service; it is
   * closed with the service (do not shut it down yourself).
   */
  public ManagedChannel inProcessChannel() {
    return inProcess.getChannel();
  }

  /**
   * Stops the service; everything it held is lost. Idempotent. Calls still open on the in-process
   * channel (the last polls of a worker in this JVM, stopped or stopping) are cancelled rather than
   * awaited: waiting for them cost {@code ballast run} a quarter of a second at exit.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    inProcess.shutdownNow();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("Embedded Temporal service did not stop within 5 s; forcing it");
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
      if (!inProcess.awaitTermination(5, TimeUnit.SECONDS)) {
        inProcess.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      inProcess.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      network.close();
      services.close();
    }
    log.info("Embedded Temporal service on {} stopped", address());
  }
}
