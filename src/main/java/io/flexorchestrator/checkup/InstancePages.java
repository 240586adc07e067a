package io.flexorchestrator.checkup;

import io.flexorchestrator.lifecycle.LifecycleMessages;
import java.util.Date;
import java.util.List;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.stereotype.Component;

/**
 * Pages of lifecycle instances by a stable key: the instances whose id is greater than the last one
 * seen, in id order. Unlike an offset, the key does not move when instances end (or start) between
 * two pages, so a sweep skips nothing that existed when it began. The engine's query API has no
 * "id greater than", hence the native queries.
 */
@Component
public class InstancePages {

  private final RuntimeService runtime;
  private final HistoryService history;
  private final ManagementService management;

  public InstancePages(RuntimeService runtime, HistoryService history, ManagementService management) {
    this.runtime = runtime;
    this.history = history;
    this.management = management;
  }

  /** Running lifecycles with an id greater than {@code afterId} (null: from the start). */
  public List<ProcessInstance> running(String afterId, int size) {
    String executions = management.getTableName(ProcessInstance.class);
    String definitions = management.getTableName(ProcessDefinition.class);
    return runtime.createNativeProcessInstanceQuery()
        .sql("SELECT E.* FROM " + executions + " E INNER JOIN " + definitions
            + " D ON E.PROC_DEF_ID_ = D.ID_ WHERE E.ID_ = E.PROC_INST_ID_ AND D.KEY_ = #{key}"
            + " AND E.ID_ > #{after} ORDER BY E.ID_ ASC")
        .parameter("key", LifecycleMessages.PROCESS_KEY)
        .parameter("after", afterId == null ? "" : afterId)
        .listPage(0, size);
  }

  /** Lifecycles that ended in [{@code from}, {@code to}) with an id greater than {@code afterId}. */
  public List<HistoricProcessInstance> ended(Date from, Date to, String afterId, int size) {
    String table = management.getTableName(HistoricProcessInstance.class);
    return history.createNativeHistoricProcessInstanceQuery()
        .sql("SELECT * FROM " + table + " WHERE PROC_DEF_KEY_ = #{key} AND END_TIME_ IS NOT NULL"
            + " AND END_TIME_ >= #{from} AND END_TIME_ < #{to} AND ID_ > #{after} ORDER BY ID_ ASC")
        .parameter("key", LifecycleMessages.PROCESS_KEY)
        .parameter("from", from)
        .parameter("to", to)
        .parameter("after", afterId == null ? "" : afterId)
        .listPage(0, size);
  }
}
