package io.flexorchestrator.config;

import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Graceful shutdown of the Camunda job executor (SIGTERM, {@code docker stop}, a rolling update).
 *
 * <p>Left alone, Spring stops the job executor's thread pool ({@code camundaTaskExecutor}) with
 * {@code shutdownNow()} on the {@code ContextClosedEvent}, i.e. at the very start of the
 * shutdown, while webhooks are still being drained: running jobs are interrupted in the middle of
 * a Twilio call, and the acquisition thread may still lock jobs that the dead pool rejects (they
 * stay locked until {@code camunda.bpm.job-execution.lock-time-in-millis} has passed: no node
 * takes them before).
 *
 * <p>Instead, the pool is kept running until the web server has drained its in-flight requests;
 * then this lifecycle lets the jobs already running or queued finish (at most
 * {@link #JOBS_TIMEOUT_SECONDS}) before the context goes on closing. Only public API: jobs the
 * acquisition locked but never started are free again when their lock expires.
 */
@Configuration(proxyBeanMethods = false)
public class JobExecutorShutdown {

  static final String TASK_EXECUTOR = "camundaTaskExecutor";
  static final int JOBS_TIMEOUT_SECONDS = 20;
  private static final Logger log = LoggerFactory.getLogger(JobExecutorShutdown.class);

  /** The job threads are not stopped early (on ContextClosedEvent), but by the lifecycle below. */
  @Bean
  static BeanPostProcessor lateJobThreadPoolShutdown() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (TASK_EXECUTOR.equals(name) && bean instanceof ThreadPoolTaskExecutor pool) {
          pool.setWaitForTasksToCompleteOnShutdown(true);
          pool.setAwaitTerminationSeconds(JOBS_TIMEOUT_SECONDS);
        }
        return bean;
      }
    };
  }

  @Bean
  SmartLifecycle jobExecutorGracefulStop(
      @Qualifier(TASK_EXECUTOR) ObjectProvider<TaskExecutor> taskExecutor) {
    return new SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        running = true;
      }

      /**
       * Lets the jobs already handed to the pool finish (at most {@link #JOBS_TIMEOUT_SECONDS}).
       * Stopping the acquisition and unlocking what was acquired but not started would need the
       * engine's internal API; those few jobs are picked up by any node once their lock expires
       * ({@code camunda.bpm.job-execution.lock-time-in-millis}, 60 s).
       */
      @Override
      public void stop() {
        running = false;
        long started = System.nanoTime();
        int left = 0;
        if (taskExecutor.getIfAvailable() instanceof ThreadPoolTaskExecutor pool
            && pool.getThreadPoolExecutor() != null) {
          ThreadPoolExecutor threads = pool.getThreadPoolExecutor();
          threads.shutdown(); // running and queued jobs still run; nothing new is accepted
          try {
            if (!threads.awaitTermination(JOBS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
              left = threads.getActiveCount() + threads.getQueue().size();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (left == 0) {
          log.info("Job executor stopped gracefully in {} ms: no job running", ms);
        } else {
          log.warn("Job executor stopped after {} ms with {} jobs still running or queued; they"
              + " are retried once their lock expires", ms, left);
        }
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      /** After the web server's graceful drain of in-flight requests, before it stops. */
      @Override
      public int getPhase() {
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 512;
      }
    };
  }
}
