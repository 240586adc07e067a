package io.flexorchestrator.simulator;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import com.atlassian.oai.validator.util.OpenApiLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;

/**
 * Checks every REST call against the published Twilio OpenAPI spec of its product
 * ({@code twilio-oai/twilio_{flex,conversations,taskrouter}_v1.json}) with the
 * swagger-request-validator library: path (and SID patterns), method, query parameters (unknown
 * ones rejected), content type and body.
 *
 * <p>Form bodies are special: the library turns every form value that looks like a number or a
 * boolean into one, so a phone number ({@code +15550001}) or {@code Body=123} would fail a
 * {@code type: string} property. The library's own body check is therefore switched off for form
 * bodies, and the form is converted here into the object the schema describes (strings stay
 * strings, integer/boolean/array properties are typed) and validated by the same library's
 * {@link SchemaValidator}, with unknown parameters rejected (additionalProperties).
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class SpecValidator {

  /** The outcome: null message = valid. {@code notFound}: no such path in the spec. */
  public record Result(String message, boolean notFound) {
    public boolean valid() {
      return message == null;
    }
  }

  private static final Map<String, String> SPEC_FILES = Map.of(
      "flex-api", "twilio-oai/twilio_flex_v1.json",
      "conversations", "twilio-oai/twilio_conversations_v1.json",
      "taskrouter", "twilio-oai/twilio_taskrouter_v1.json");

  private final Map<String, Spec> specs = new ConcurrentHashMap<>();

  private record Spec(OpenApiInteractionValidator requests, OpenAPI api, SchemaValidator strict,
      SchemaValidator lenient, List<Template> templates) {}

  private record Template(String path, Pattern pattern, int literals) {}

  public boolean knows(String product) {
    return SPEC_FILES.containsKey(product);
  }

  /** Loads the specs now (they take a second each), instead of on the first call. */
  public void preload() {
    SPEC_FILES.keySet().forEach(this::spec);
  }

  public Result validate(String product, String method, String path,
      MultiValueMap<String, String> query, String contentType, String body,
      Map<String, String> headers) {
    Spec spec = spec(product);
    SimpleRequest.Builder builder = new SimpleRequest.Builder(method, path);
    query.forEach((name, values) -> builder.withQueryParam(name, values));
    headers.forEach(builder::withHeader);
    boolean form = contentType != null
        && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded");
    if (contentType != null) {
      builder.withContentType(contentType);
    }
    if (body != null && !body.isEmpty()) {
      builder.withBody(body);
    }
    Request request = builder.build();
    ValidationReport report = spec.requests().validateRequest(request);
    Optional<Template> template = match(spec, path);
    if (template.isEmpty() || report.getMessages().stream()
        .anyMatch(m -> m.getKey().equals("validation.request.path.missing"))) {
      return new Result("The requested resource " + path + " was not found", true);
    }
    if (report.hasErrors()) {
      return new Result(describe(report), false);
    }
    if (body == null || body.isEmpty()) {
      return new Result(null, false);
    }
    Operation op = operation(spec.api().getPaths().get(template.get().path()), method);
    if (op == null || op.getRequestBody() == null || op.getRequestBody().getContent() == null) {
      return new Result(null, false);
    }
    MediaType media = op.getRequestBody().getContent().entrySet().stream()
        .filter(e -> contentType != null && contentType.toLowerCase().startsWith(e.getKey()))
        .map(Map.Entry::getValue).findFirst().orElse(null);
    if (media == null || media.getSchema() == null) {
      return new Result(null, false);
    }
    Schema<?> schema = resolve(spec.api(), media.getSchema());
    JsonNode node;
    try {
      node = form ? formToObject(spec.api(), schema, body)
          : SimJson.MAPPER.readTree(body);
    } catch (IOException e) {
      return new Result("The request body is not valid JSON", false);
    }
    boolean declaresProperties = schema.getProperties() != null && !schema.getProperties().isEmpty();
    SchemaValidator validator = declaresProperties ? spec.strict() : spec.lenient();
    ValidationReport bodyReport = validator.validate(() -> node, media.getSchema(), "request.body");
    return bodyReport.hasErrors() ? new Result(describe(bodyReport), false) : new Result(null, false);
  }

  /** The form as the object its schema describes: values typed by the property's type. */
  static ObjectNode formToObject(OpenAPI api, Schema<?> schema, String body) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode node = f.objectNode();
    MultiValueMap<String, String> form = FormParser.parse(body);
    Map<String, Schema> props = schema.getProperties() == null ? Map.of() : schema.getProperties();
    form.forEach((name, values) -> {
      Schema<?> prop = props.get(name) == null ? null : resolve(api, props.get(name));
      String type = prop == null ? null : prop.getType();
      if ("array".equals(type)) {
        ArrayNode array = f.arrayNode();
        Schema<?> items = prop.getItems() == null ? null : resolve(api, prop.getItems());
        values.forEach(v -> array.add(typed(items == null ? null : items.getType(), v)));
        node.set(name, array);
      } else if (values.size() == 1) {
        node.set(name, typed(type, values.get(0)));
      } else {
        ArrayNode array = f.arrayNode();
        values.forEach(v -> array.add(typed(type, v)));
        node.set(name, array);
      }
    });
    return node;
  }

  private static JsonNode typed(String type, String value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value == null) {
      return f.nullNode();
    }
    if ("integer".equals(type)) {
      try {
        return f.numberNode(Long.parseLong(value.trim()));
      } catch (NumberFormatException e) {
        return f.textNode(value);
      }
    }
    if ("number".equals(type)) {
      try {
        return f.numberNode(new java.math.BigDecimal(value.trim()));
      } catch (NumberFormatException e) {
        return f.textNode(value);
      }
    }
    if ("boolean".equals(type) && ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value))) {
      return f.booleanNode(Boolean.parseBoolean(value.toLowerCase()));
    }
    return f.textNode(value);
  }

  @SuppressWarnings("rawtypes")
  private static Schema resolve(OpenAPI api, Schema schema) {
    Schema current = schema;
    int guard = 0;
    while (current != null && current.get$ref() != null && guard++ < 10) {
      String ref = current.get$ref();
      String name = ref.substring(ref.lastIndexOf('/') + 1);
      current = api.getComponents().getSchemas().get(name);
    }
    return current;
  }

  private static Operation operation(PathItem item, String method) {
    if (item == null) {
      return null;
    }
    return switch (method.toUpperCase()) {
      case "GET" -> item.getGet();
      case "POST" -> item.getPost();
      case "DELETE" -> item.getDelete();
      case "PUT" -> item.getPut();
      default -> null;
    };
  }

  private static Optional<Template> match(Spec spec, String path) {
    return spec.templates().stream().filter(t -> t.pattern().matcher(path).matches())
        .max((a, b) -> Integer.compare(a.literals(), b.literals()));
  }

  private static String describe(ValidationReport report) {
    return report.getMessages().stream()
        .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
        .map(m -> m.getMessage().replace("\"", "'"))
        .distinct()
        .collect(Collectors.joining("; "));
  }

  private Spec spec(String product) {
    return specs.computeIfAbsent(product, SpecValidator::load);
  }

  private static Spec load(String product) {
    String file = SPEC_FILES.get(product);
    if (file == null) {
      throw new IllegalArgumentException("no spec for " + product);
    }
    String json;
    try (InputStream in = SpecValidator.class.getClassLoader().getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("missing " + file + " on the classpath");
      }
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
    LevelResolver requestLevels = LevelResolver.create()
        .withLevel("validation.schema.additionalProperties", ValidationReport.Level.ERROR)
        .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.ERROR)
        .withLevel("validation.request.security", ValidationReport.Level.IGNORE)
        .withLevel("validation.request.accept", ValidationReport.Level.IGNORE)
        .withLevel("validation.request.body.schema", ValidationReport.Level.IGNORE)
        .withLevel("validation.response", ValidationReport.Level.IGNORE)
        .build();
    OpenApiInteractionValidator requests = OpenApiInteractionValidator
        .createForInlineApiSpecification(json)
        .withLevelResolver(requestLevels)
        .build();
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    OpenAPI api = new OpenApiLoader().loadApi(OpenApiInteractionValidator.SpecSource.inline(json),
        List.of(), options);
    SchemaValidator strict = new SchemaValidator(api, new MessageResolver(LevelResolver.create()
        .withLevel("validation.schema.additionalProperties", ValidationReport.Level.ERROR)
        .build()));
    SchemaValidator lenient = new SchemaValidator(api, new MessageResolver(LevelResolver.create()
        .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
        .build()));
    List<Template> templates = api.getPaths().keySet().stream().map(p -> {
      String[] parts = p.split("/");
      StringBuilder regex = new StringBuilder();
      int literals = 0;
      for (String part : parts) {
        if (part.isEmpty()) {
          continue;
        }
        regex.append('/');
        if (part.startsWith("{")) {
          regex.append("[^/]+");
        } else {
          regex.append(Pattern.quote(part));
          literals++;
        }
      }
      return new Template(p, Pattern.compile(regex.toString()), literals);
    }).toList();
    return new Spec(requests, api, strict, lenient, templates);
  }
}
