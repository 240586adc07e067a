package io.flexorchestrator.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of TaskRouter's expression language the simulator understands for
 * {@code EvaluateTaskAttributes}: {@code attr == "value"}, {@code attr != 'value'}, numbers and
 * booleans, dotted paths into nested attributes, clauses joined by {@code AND}.
 */
final class TaskExpression {

  private static final Pattern CLAUSE = Pattern.compile(
      "\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(==|!=)\\s*(?:\"([^\"]*)\"|'([^']*)'|(-?\\d+(?:\\.\\d+)?|true|false))\\s*");
  private static final Pattern AND = Pattern.compile("\\s+(?i:and)\\s+|\\s*&&\\s*");

  private TaskExpression() {}

  static Predicate<Map<String, Object>> parse(String expression) {
    List<Predicate<Map<String, Object>>> clauses = new ArrayList<>();
    for (String part : AND.split(expression.trim())) {
      Matcher m = CLAUSE.matcher(part);
      if (!m.matches()) {
        throw SimError.invalid("Invalid EvaluateTaskAttributes expression: " + expression);
      }
      String path = m.group(1);
      boolean equals = m.group(2).equals("==");
      String literal = m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : m.group(5);
      clauses.add(attrs -> {
        Object value = lookup(attrs, path);
        boolean same = value != null && Objects.equals(normalize(value), literal);
        return equals == same;
      });
    }
    return attrs -> clauses.stream().allMatch(c -> c.test(attrs));
  }

  private static Object lookup(Map<String, Object> attrs, String path) {
    Object current = attrs;
    for (String key : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return current;
  }

  private static String normalize(Object value) {
    if (value instanceof Double d && d == Math.rint(d)) {
      return Long.toString(d.longValue());
    }
    return value.toString();
  }
}
