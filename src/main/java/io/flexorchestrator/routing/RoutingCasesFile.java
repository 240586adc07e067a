package io.flexorchestrator.routing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

/**
 * The analysts' routing test cases of the deployment, {@value #FILE} next to the models
 * ({@code orchestrator.processes-location}, else the jar's copy), run against a proposed table by
 * the what-if: which expectations a change breaks, before it goes live.
 */
@Component
public class RoutingCasesFile {

  public static final String FILE = "routing-decision.cases.csv";

  private final String location;
  private final DefaultResourceLoader resources = new DefaultResourceLoader();

  public RoutingCasesFile(@Value("${orchestrator.processes-location:file:processes/}") String location) {
    this.location = location.endsWith("/") ? location : location + "/";
  }

  /**
   * {@code {"file", "total", "passed", "failed": [{"line", "case", "problems"}]}}, or
   * {@code {"file", "error"}} when the file does not fit the table, or {@code {"file": null}} when
   * there is none.
   */
  public Map<String, Object> run(RoutingTable table) {
    Map<String, Object> answer = new LinkedHashMap<>();
    Resource file = resources.getResource(location + FILE);
    if (!file.exists()) {
      file = resources.getResource("classpath:processes/" + FILE);
    }
    if (!file.exists()) {
      answer.put("file", null);
      return answer;
    }
    answer.put("file", FILE);
    try (InputStream in = file.getInputStream()) {
      RoutingCases cases = RoutingCases.read(FILE, new String(in.readAllBytes(), StandardCharsets.UTF_8), table);
      List<Map<String, Object>> failed = new ArrayList<>();
      for (RoutingCases.Case routingCase : cases.cases()) {
        RoutingCases.Result result = cases.run(routingCase, table);
        if (!result.passed()) {
          failed.add(Map.of("line", routingCase.line(), "case", routingCase.name(), "problems", result.problems()));
        }
      }
      answer.put("total", cases.cases().size());
      answer.put("passed", cases.cases().size() - failed.size());
      answer.put("failed", failed);
    } catch (RoutingCases.Malformed e) {
      answer.put("error", e.getMessage());
    } catch (IOException e) {
      answer.put("error", "cannot read " + FILE + ": " + e.getMessage());
    }
    return answer;
  }
}
