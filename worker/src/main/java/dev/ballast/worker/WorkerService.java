package dev.ballast.worker;

import dev.ballast.activities.AlertActivitiesImpl;
import dev.ballast.activities.ChunkActivitiesImpl;
import dev.ballast.activities.CommitActivitiesImpl;
import dev.ballast.activities.MergeActivitiesImpl;
import dev.ballast.activities.PipelineActivitiesImpl;
import dev.ballast.activities.PlanActivitiesImpl;
import dev.ballast.api.TaskQueues;
import dev.ballast.workflows.CommitWorkflowImpl;
import dev.ballast.workflows.DrillWorkflowImpl;
import dev.ballast.workflows.JobWorkflowImpl;
import dev.ballast.workflows.MergeWorkflowImpl;
import dev.ballast.workflows.PipelineWorkflowImpl;
import dev.ballast.workflows.PlanWorkflowImpl;
import dev.ballast.workflows.ProcessWorkflowImpl;
import dev.ballast.worker.observe.BallastMetrics;
import dev.ballast.worker.observe.ObservingInterceptor;
import io.grpc.ManagedChannel;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Ballast's Temporal workers: connects, registers the workflows and activities on their task
 * queues, polls, and stops gracefully.
 *
 * <p>On {@link TaskQueues#JOBS}: every workflow type plus the plan, merge and commit activities. On
 * {@link TaskQueues#CHUNKS}: the chunk activities, at most {@link WorkerSettings#chunkSlots()} at
 * once.
 *
 * <p>Versioning ({@link WorkerVersioning}): when the server has worker deployments, every worker
 * registers as build {@code BALLAST_BUILD_ID} of deployment {@code BALLAST_DEPLOYMENT} and the
 * workflows it runs are pinned to that build; otherwise (the embedded service) it polls
 * unversioned, says so once in its log, and still reports its build id.
 */
public class WorkerService {
  /** Longest wait between two heartbeats actually sent, so that a resumed chunk loses little work. */
  static final Duration MAX_HEARTBEAT_THROTTLE = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(WorkerService.class);

  private final WorkerSettings settings;
  private final Provider<PlanActivitiesImpl> planActivities;
  private final Provider<MergeActivitiesImpl> mergeActivities;
  private final Provider<CommitActivitiesImpl> commitActivities;
  private final Provider<ChunkActivitiesImpl> chunkActivities;

  private WorkflowServiceStubs stubs;
  private WorkflowClient client;
  private WorkerFactory factory;
  private boolean stickyDisabled;
  private BallastMetrics metrics = BallastMetrics.noop();
  private Provider<AlertActivitiesImpl> alertActivities = AlertActivitiesImpl::new;
  private com.uber.m3.tally.Scope metricsScope;
  private ConnectionSettings connectionSettings;
  private ManagedChannel inProcessChannel;
  private boolean warmUp = true;
  private boolean allowDrills;
  private WorkerVersioning versioning = WorkerVersioning.defaults();
  private boolean versioned;

  @Inject
  public WorkerService(
      WorkerSettings settings,
      Provider<PlanActivitiesImpl> planActivities,
      Provider<MergeActivitiesImpl> mergeActivities,
      Provider<CommitActivitiesImpl> commitActivities,
      Provider<ChunkActivitiesImpl> chunkActivities) {
    this.settings = settings;
    this.planActivities = planActivities;
    this.mergeActivities = mergeActivities;
    this.commitActivities = commitActivities;
    this.chunkActivities = chunkActivities;
  }

  /**
   * Connects and starts polling.
   *
   * @throws TemporalUnreachableException when the address does not answer within a few seconds
   * @throws IllegalStateException when already started
   */
  public void start() {
    start(f -> {});
  }

  /** Starts, letting {@code beforeStart} add workers to the factory first (tests). */
  synchronized void start(Consumer<WorkerFactory> beforeStart) {
    if (factory != null) {
      throw new IllegalStateException("worker service already started");
    }
    if (warmUp && settings.queues().contains(TaskQueues.JOBS)) {
      WorkflowWarmUp.startInBackground();
    }
    log.info("Connecting to Temporal at {} (namespace {})", settings.address(), settings.namespace());
    metricsScope = TemporalConnections.metricsScope(metrics.registry());
    ConnectionSettings connection = connection();
    WorkflowServiceStubs connected =
        TemporalConnections.connect(connection, metricsScope, inProcessChannel);
    try {
      stickyDisabled = decideSticky(connected);
      versioned = decideVersioning(connected);
      WorkflowClient newClient = TemporalConnections.client(connected, connection);
      WorkerFactory newFactory =
          WorkerFactory.newInstance(
              newClient,
              WorkerFactoryOptions.newBuilder()
                  .setWorkerInterceptors(new ObservingInterceptor(metrics))
                  .build());
      for (String queue : settings.queues()) {
        register(newFactory, queue);
      }
      if (allowDrills) {
        DrillWorker.register(newFactory, settings, metrics, versioning.options(versioned));
      }
      beforeStart.accept(newFactory);
      newFactory.start();
      stubs = connected;
      client = newClient;
      factory = newFactory;
    } catch (RuntimeException e) {
      connected.shutdownNow();
      throw e;
    }
    log.info(
        "Worker {} polling {} with {} chunk slots",
        settings.identity(),
        settings.queues(),
        settings.chunkSlots());
    if (versioned) {
      DeploymentBootstrap.startInBackground(connected, settings.namespace(), versioning, settings.identity());
    }
  }

  private boolean decideVersioning(WorkflowServiceStubs connected) {
    if (versioning.mode() == WorkerVersioning.Mode.OFF) {
      log.info("Build {}: unversioned (BALLAST_VERSIONING=off)", versioning.buildId());
      return false;
    }
    boolean supported =
        inProcessChannel == null
            && WorkerVersioning.serverSupportsDeployments(connected, settings.namespace(), versioning.deployment());
    if (!supported) {
      if (versioning.mode() == WorkerVersioning.Mode.ON) {
        throw new WorkerVersioning.UnsupportedException(
            "BALLAST_VERSIONING=on, but this Temporal service has no worker deployments"
                + " (the embedded service has none; set BALLAST_VERSIONING=auto or off)");
      }
      log.info(
          "Build {}: unversioned, this Temporal service has no worker deployments (the embedded"
              + " service has none)",
          versioning.buildId());
      return false;
    }
    log.info(
        "Build {}: version {} of worker deployment {}; workflows are pinned to the build they start on",
        versioning.buildId(),
        versioning.buildId(),
        versioning.deployment());
    return true;
  }

  private boolean decideSticky(WorkflowServiceStubs connected) {
    boolean disable =
        switch (settings.sticky()) {
          case ON -> false;
          case OFF -> true;
          // In process, the service dies with this worker: no workflow can stay cached on a
          // worker that died while the service lives.
          case AUTO -> inProcessChannel == null && TemporalConnections.isEmbeddedService(connected);
        };
    if (settings.sticky() == WorkerSettings.StickyMode.AUTO) {
      log.info(
          disable
              ? "Sticky execution off: the embedded service never times out a sticky queue, so a"
                  + " workflow cached on a dead worker would be stuck"
              : inProcessChannel != null
                  ? "Sticky execution on: the embedded service runs in this process and stops with it"
                  : "Sticky execution on: connected to a Temporal cluster");
    } else {
      log.info("Sticky execution {} (configured)", disable ? "off" : "on");
    }
    return disable;
  }

  private void register(WorkerFactory target, String queue) {
    WorkerOptions.Builder options =
        WorkerOptions.newBuilder()
            .setIdentity(settings.identity())
            .setMaxHeartbeatThrottleInterval(MAX_HEARTBEAT_THROTTLE)
            // During a graceful stop, chunks in flight keep heartbeating and finish within the
            // drain time instead of failing at their next checkpoint.
            .setAllowActivityHeartbeatDuringShutdown(true);
    // Unversioned workers report their build id too, so that `ballast workers` groups them.
    options.setDeploymentOptions(versioning.options(versioned));
    if (stickyDisabled) {
      // Zero means no sticky attributes are sent: every workflow task goes to the normal queue.
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    if (queue.equals(TaskQueues.JOBS)) {
      Worker worker = target.newWorker(queue, options.build());
      registerWorkflowTypes(worker);
      worker.registerActivitiesImplementations(
          planActivities.get(), mergeActivities.get(), commitActivities.get());
      worker.registerActivitiesImplementations(alertActivities.get());
      worker.registerActivitiesImplementations(new PipelineActivitiesImpl());
    } else if (queue.equals(TaskQueues.CHUNKS)) {
      Worker worker =
          target.newWorker(
              queue, options.setMaxConcurrentActivityExecutionSize(settings.chunkSlots()).build());
      worker.registerActivitiesImplementations(chunkActivities.get());
    } else {
      throw new IllegalArgumentException("unknown task queue " + queue);
    }
  }

  /** Registers every Ballast workflow type on {@code worker}. */
  static void registerWorkflowTypes(Worker worker) {
    worker.registerWorkflowImplementationTypes(
        JobWorkflowImpl.class,
        PlanWorkflowImpl.class,
        ProcessWorkflowImpl.class,
        MergeWorkflowImpl.class,
        CommitWorkflowImpl.class);
    worker.registerWorkflowImplementationTypes(PipelineWorkflowImpl.class);
    worker.registerWorkflowImplementationTypes(DrillWorkflowImpl.class);
  }

  /**
   * Stops polling, lets running tasks finish for up to the drain timeout, then interrupts what is
   * left and closes the connection. Idempotent; does nothing when not started.
   */
  public synchronized void stop() {
    if (factory == null) {
      return;
    }
    log.info("Stopping worker {}: draining for up to {}", settings.identity(), settings.drainTimeout());
    factory.shutdown();
    try {
      factory.awaitTermination(settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!factory.isTerminated()) {
        log.warn("Tasks still running after {}; interrupting them", settings.drainTimeout());
        factory.shutdownNow();
        factory.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (RuntimeException e) {
      log.warn("Worker did not stop cleanly: {}", e.toString());
      factory.shutdownNow();
    }
    disconnect();
  }

  /**
   * Stops a worker whose work is over, as {@code ballast run} does once its job has ended: no
   * drain, whatever still runs is interrupted, and the SDK's threads end on their own just after
   * (waiting for them would cost 0.25-0.5 s: the SDK checks its executors every 250 ms).
   * Idempotent; does nothing when not started.
   */
  public synchronized void stopWithoutDrain() {
    if (factory == null) {
      return;
    }
    log.info("Stopping worker {} without draining", settings.identity());
    factory.shutdownNow();
    disconnect();
  }

  private void disconnect() {
    stubs.shutdown();
    try {
      stubs.awaitTermination(5, TimeUnit.SECONDS);
    } finally {
      stubs.shutdownNow();
    }
    factory = null;
    client = null;
    stubs = null;
    if (metricsScope != null) {
      try {
        metricsScope.close();
      } catch (com.uber.m3.tally.ScopeCloseException e) {
        log.debug("metrics scope did not close cleanly", e);
      }
      metricsScope = null;
    }
    log.info("Worker {} stopped", settings.identity());
  }

  /** The client of the worker's namespace, for starting and steering jobs in the same process. */
  public synchronized WorkflowClient client() {
    if (client == null) {
      throw new IllegalStateException("worker service not started");
    }
    return client;
  }

  /** Whether {@link #start()} registered the workers as a version of the worker deployment. */
  public synchronized boolean versioned() {
    return versioned;
  }

  /**
   * Sets the build id, deployment name and versioning mode (default {@link
   * WorkerVersioning#defaults()}). Call before {@link #start()}.
   */
  @com.google.inject.Inject(optional = true)
  public synchronized void setVersioning(WorkerVersioning newVersioning) {
    if (factory != null) {
      throw new IllegalStateException("versioning must be set before the worker service starts");
    }
    this.versioning = java.util.Objects.requireNonNull(newVersioning);
  }

  /** The build id, deployment name and versioning mode. */
  public synchronized WorkerVersioning versioning() {
    return versioning;
  }

  /** Whether {@link #start()} turned sticky execution off. */
  public synchronized boolean stickyDisabled() {
    return stickyDisabled;
  }

  /** Whether the service is started and not yet stopped. */
  public synchronized boolean isRunning() {
    return factory != null && factory.isStarted() && !factory.isShutdown();
  }

  /** The alert activities registered on the jobs queue (injected; a default otherwise). */
  @Inject
  public void setAlertActivities(Provider<AlertActivitiesImpl> provider) {
    this.alertActivities = provider;
  }

  /**
   * Reports the Temporal SDK's worker metrics and Ballast's ({@link BallastMetrics}) to {@code
   * newMetrics}'s registry. Call before {@link #start()}.
   */
  public synchronized WorkerService withMetrics(BallastMetrics newMetrics) {
    if (factory != null) {
      throw new IllegalStateException("metrics must be set before the worker service starts");
    }
    this.metrics = newMetrics == null ? BallastMetrics.noop() : newMetrics;
    return this;
  }

  /** The metrics the service reports to. */
  public synchronized BallastMetrics metrics() {
    return metrics;
  }

  /**
   * Sets how to connect (TLS, API key, payload encryption); the address and namespace of {@link
   * WorkerSettings} win. Without it the connection is plaintext and payloads are not encrypted.
   */
  @com.google.inject.Inject(optional = true)
  public synchronized void setConnection(ConnectionSettings connection) {
    this.connectionSettings = connection;
  }

  /** The connection settings {@link #start()} uses. */
  public synchronized ConnectionSettings connection() {
    ConnectionSettings base =
        connectionSettings != null
            ? connectionSettings
            : ConnectionSettings.plain(settings.address(), settings.namespace());
    return base.withAddress(settings.address()).withNamespace(settings.namespace());
  }

  /**
   * Connects through {@code channel}, a channel to a Temporal service in this JVM (see {@code
   * EmbeddedTemporal.inProcessChannel()}), instead of the address. In {@link
   * WorkerSettings.StickyMode#AUTO} sticky execution is then on: the service stops with this
   * process, so a workflow cannot stay cached on a dead worker while the service lives. Call before
   * {@link #start()}.
   */
  public synchronized WorkerService useInProcessChannel(ManagedChannel channel) {
    if (factory != null) {
      throw new IllegalStateException("the channel must be set before the worker service starts");
    }
    this.inProcessChannel = channel;
    return this;
  }

  /**
   * Whether {@link #start()} warms this JVM's workflow code up in the background when the worker
   * polls the jobs queue (on by default; see {@link WorkflowWarmUp}). Call before {@link #start()}.
   */
  public synchronized WorkerService withWarmUp(boolean enabled) {
    this.warmUp = enabled;
    return this;
  }

  /**
   * Whether this worker also polls the failover-drill queue ({@link DrillWorker}); off by default.
   * Call before {@link #start()}.
   */
  public synchronized WorkerService withDrills(boolean allowed) {
    this.allowDrills = allowed;
    return this;
  }

  /** The settings the service runs with. */
  public WorkerSettings settings() {
    return settings;
  }
}
