package io.flexorchestrator.analyst;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonschema.core.report.ProcessingMessage;
import com.github.fge.jsonschema.core.report.ProcessingReport;
import com.github.fge.jsonschema.main.JsonSchema;
import com.github.fge.jsonschema.main.JsonSchemaFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaFailedJobRetryTimeCycle;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaOutputParameter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.stereotype.Component;

/**
 * The Camunda Modeler element templates under {@code processes/.camunda/element-templates/}: each
 * is valid against the element-templates JSON schema (vendored under
 * {@code src/test/resources/element-templates-schema/}), names a delegate bean that exists, and
 * every BPMN service task under {@code processes/} that calls a delegate is an application of a
 * template (same bean, same async flag, only the inputs the template declares, with allowed values).
 *
 * <p>The schema is draft-07; the validator on the classpath (java-json-tools) implements draft-04
 * and ignores draft-07's {@code if/then/else} and {@code const}. The conditional rules of the schema
 * that matter for Camunda 7 templates are checked here by hand ({@link #draft07Rules}).
 */
class ElementTemplatesTest {

  static final Path PROCESSES = Path.of("processes");
  static final Path TEMPLATES = PROCESSES.resolve(".camunda/element-templates");
  static final Path SCHEMA = Path.of("src/test/resources/element-templates-schema/schema.json");
  static final String CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn";
  static final Pattern DELEGATE_EXPRESSION = Pattern.compile("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)}$");
  static final String[] DELEGATE_PACKAGES = {"io.flexorchestrator.delegate", "io.flexorchestrator.checkup"};

  static final ObjectMapper JSON = new ObjectMapper();
  static JsonSchema schema;
  /** template file → its templates (a file holds one template or an array of them). */
  static Map<Path, List<JsonNode>> templatesByFile = new TreeMap<>();
  /** "id@version" → template. */
  static Map<String, JsonNode> templates = new TreeMap<>();
  /** bean name → class, every {@code @Component("name")} JavaDelegate of the delegate packages. */
  static Map<String, String> delegateBeans = new TreeMap<>();

  @BeforeAll
  static void load() throws Exception {
    JsonNode schemaJson = JSON.readTree(SCHEMA.toFile());
    schema = JsonSchemaFactory.byDefault().getJsonSchema(schemaJson);
    try (Stream<Path> files = Files.list(TEMPLATES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode json = JSON.readTree(file.toFile());
        List<JsonNode> list = new ArrayList<>();
        if (json.isArray()) {
          json.forEach(list::add);
        } else {
          list.add(json);
        }
        templatesByFile.put(file, list);
        for (JsonNode template : list) {
          JsonNode previous = templates.put(key(template.path("id").asText(), template.path("version").asInt(0)), template);
          assertThat(previous).as("template %s declared twice", template.path("id").asText()).isNull();
        }
      }
    }
    var scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AssignableTypeFilter(JavaDelegate.class));
    for (String pkg : DELEGATE_PACKAGES) {
      for (BeanDefinition candidate : scanner.findCandidateComponents(pkg)) {
        Class<?> type = Class.forName(candidate.getBeanClassName());
        Component component = type.getAnnotation(Component.class);
        if (component != null && !component.value().isEmpty()) {
          delegateBeans.put(component.value(), type.getName());
        }
      }
    }
  }

  @Test
  void templatesExist() {
    assertThat(templatesByFile).as("template files in %s", TEMPLATES).isNotEmpty();
    assertThat(delegateBeans).as("delegate beans found by the class path scan")
        .containsKeys("createInteraction", "sendMessage", "checkupSweepConversations");
  }

  @Test
  void everyTemplateFileIsValidAgainstTheSchema() throws Exception {
    for (Map.Entry<Path, List<JsonNode>> file : templatesByFile.entrySet()) {
      JsonNode json = JSON.readTree(file.getKey().toFile());
      assertThat(errors(json)).as("schema errors of %s", file.getKey()).isEmpty();
      for (JsonNode template : file.getValue()) {
        assertThat(draft07Rules(template)).as("schema rules of %s", template.path("id").asText()).isEmpty();
      }
    }
  }

  @Test
  void theValidatorRejectsBrokenTemplates() throws Exception {
    JsonNode good = templates.values().iterator().next();
    ObjectNode noName = good.deepCopy();
    noName.remove("name");
    ObjectNode badBinding = good.deepCopy();
    ((ObjectNode) badBinding.get("properties").get(0).get("binding")).put("type", "camunda:retryCycle");
    ObjectNode noChoices = good.deepCopy();
    ((ArrayNode) noChoices.get("properties")).addObject().put("label", "x").put("type", "Dropdown")
        .putObject("binding").put("type", "camunda:inputParameter").put("name", "x");
    assertThat(errors(good)).isEmpty();
    assertThat(errors(noName)).isNotEmpty();
    assertThat(errors(badBinding)).isNotEmpty();
    assertThat(draft07Rules(noChoices)).isNotEmpty();
  }

  @Test
  void everyTemplateIsACamunda7ServiceTaskTemplateOfAnExistingDelegate() {
    Set<String> templatedBeans = new TreeSet<>();
    for (JsonNode template : templates.values()) {
      String id = template.path("id").asText();
      assertThat(template.path("name").asText()).as("name of %s", id).startsWith("Twilio Flex: ");
      assertThat(template.path("$schema").asText()).as("$schema of %s", id)
          .isEqualTo("https://unpkg.com/@camunda/element-templates-json-schema/resources/schema.json");
      assertThat(template.path("appliesTo")).as("appliesTo of %s", id).hasSize(1);
      assertThat(template.path("appliesTo").get(0).asText()).isEqualTo("bpmn:ServiceTask");
      assertThat(template.path("entriesVisible").asBoolean(true)).as("entriesVisible of %s", id).isFalse();
      assertThat(template.path("version").isInt()).as("version of %s", id).isTrue();

      JsonNode implementation = property(template, "property", "camunda:delegateExpression");
      assertThat(implementation).as("camunda:delegateExpression of %s", id).isNotNull();
      assertThat(implementation.path("type").asText()).as("delegateExpression of %s is hidden", id).isEqualTo("Hidden");
      var bean = DELEGATE_EXPRESSION.matcher(implementation.path("value").asText());
      assertThat(bean.matches()).as("delegateExpression of %s is ${bean}", id).isTrue();
      assertThat(delegateBeans).as("the bean of template %s", id).containsKey(bean.group(1));
      templatedBeans.add(bean.group(1));

      for (JsonNode property : template.path("properties")) {
        String type = property.path("type").asText("String");
        String binding = property.path("binding").path("type").asText();
        if (!"Hidden".equals(type)) {
          assertThat(property.path("label").asText()).as("label of a visible input of %s", id).isNotBlank();
          assertThat(property.path("description").asText()).as("description of %s of %s",
              property.path("label").asText(), id).isNotBlank();
          assertThat(binding).as("visible inputs of %s are input parameters", id).isEqualTo("camunda:inputParameter");
          assertThat(property.path("constraints").path("notEmpty").asBoolean()).as("%s of %s is validated",
              property.path("label").asText(), id).isTrue();
        }
        assertThat(binding).as("no field injection in %s", id).isNotEqualTo("camunda:field");
      }
    }
    assertThat(templatedBeans).as("every delegate bean has a template").isEqualTo(delegateBeans.keySet());
  }

  @Test
  void everyDelegateServiceTaskIsATemplateApplication() throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.list(PROCESSES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".bpmn")).sorted().toList()) {
        BpmnModelInstance model = Bpmn.readModelFromFile(file.toFile());
        for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
          if (task.getCamundaDelegateExpression() == null) {
            continue;
          }
          checked++;
          String where = file.getFileName() + "#" + task.getId();
          problems.addAll(matchTemplate(where, task));
        }
      }
    }
    assertThat(checked).as("service tasks with a delegateExpression").isPositive();
    assertThat(problems).isEmpty();
  }

  /** What is wrong between a service task and the template its camunda:modelerTemplate names. */
  static List<String> matchTemplate(String where, ServiceTask task) {
    List<String> problems = new ArrayList<>();
    String templateId = task.getAttributeValueNs(CAMUNDA_NS, "modelerTemplate");
    String version = task.getAttributeValueNs(CAMUNDA_NS, "modelerTemplateVersion");
    if (templateId == null) {
      problems.add(where + ": no camunda:modelerTemplate");
      return problems;
    }
    JsonNode template = templates.get(key(templateId, version == null ? 0 : Integer.parseInt(version)));
    if (template == null) {
      problems.add(where + ": unknown template " + templateId + " version " + version);
      return problems;
    }
    String expression = property(template, "property", "camunda:delegateExpression").path("value").asText();
    if (!expression.equals(task.getCamundaDelegateExpression())) {
      problems.add(where + ": delegateExpression " + task.getCamundaDelegateExpression() + " but template "
          + templateId + " has " + expression);
    }
    JsonNode async = property(template, "property", "camunda:asyncBefore");
    boolean templateAsync = async != null && async.path("value").asBoolean();
    if (templateAsync != task.isCamundaAsyncBefore()) {
      problems.add(where + ": asyncBefore " + task.isCamundaAsyncBefore() + " but template says " + templateAsync);
    }
    // Camunda 7 templates have no binding for the retry cycle: it stays in the model, checked here
    CamundaFailedJobRetryTimeCycle retry = task.getExtensionElements() == null ? null
        : task.getExtensionElements().getElementsQuery().filterByType(CamundaFailedJobRetryTimeCycle.class)
            .list().stream().findFirst().orElse(null);
    if (task.isCamundaAsyncBefore() && (retry == null || !"${retryCycle}".equals(retry.getTextContent().trim()))) {
      problems.add(where + ": asynchronous Twilio task without failedJobRetryTimeCycle ${retryCycle}");
    }

    Map<String, String> inputs = new LinkedHashMap<>();
    Map<String, String> outputs = new LinkedHashMap<>();
    if (task.getExtensionElements() != null) {
      for (CamundaInputOutput io : task.getExtensionElements().getElementsQuery()
          .filterByType(CamundaInputOutput.class).list()) {
        for (CamundaInputParameter input : io.getCamundaInputParameters()) {
          inputs.put(input.getCamundaName(), input.getTextContent().trim());
        }
        for (CamundaOutputParameter output : io.getCamundaOutputParameters()) {
          outputs.put(output.getCamundaName(), output.getTextContent().trim());
        }
      }
    }
    Map<String, JsonNode> declaredInputs = new HashMap<>();
    Map<String, JsonNode> declaredOutputs = new HashMap<>();
    for (JsonNode property : template.path("properties")) {
      JsonNode binding = property.path("binding");
      switch (binding.path("type").asText()) {
        case "camunda:inputParameter" -> declaredInputs.put(binding.path("name").asText(), property);
        case "camunda:outputParameter" -> declaredOutputs.put(property.path("value").asText(), property);
        default -> { }
      }
    }
    inputs.forEach((name, value) -> {
      JsonNode property = declaredInputs.get(name);
      if (property == null) {
        problems.add(where + ": input parameter " + name + " is not an input of template " + templateId);
      } else {
        problems.addAll(valueProblems(where + " input " + name, property, value));
      }
    });
    declaredInputs.forEach((name, property) -> {
      if (!inputs.containsKey(name) && property.path("constraints").path("notEmpty").asBoolean()) {
        problems.add(where + ": required input " + name + " of template " + templateId + " missing");
      }
    });
    if (!outputs.keySet().equals(declaredOutputs.keySet())) {
      problems.add(where + ": output parameters " + outputs.keySet() + " but template " + templateId + " has "
          + declaredOutputs.keySet());
    }
    declaredOutputs.forEach((name, property) -> {
      String source = property.path("binding").path("source").asText();
      if (outputs.containsKey(name) && !source.equals(outputs.get(name))) {
        problems.add(where + ": output " + name + " = " + outputs.get(name) + " but template has " + source);
      }
    });
    return problems;
  }

  /** A value set in the model must be one the template's input accepts. */
  static List<String> valueProblems(String where, JsonNode property, String value) {
    List<String> problems = new ArrayList<>();
    String type = property.path("type").asText("String");
    if ("Hidden".equals(type) && !value.equals(property.path("value").asText())) {
      problems.add(where + ": hidden value " + property.path("value").asText() + " expected, found " + value);
    }
    if ("Dropdown".equals(type)) {
      List<String> choices = new ArrayList<>();
      property.path("choices").forEach(c -> choices.add(c.path("value").asText()));
      if (!choices.contains(value)) {
        problems.add(where + ": " + value + " is not one of " + choices);
      }
    }
    JsonNode constraints = property.path("constraints");
    if (constraints.path("notEmpty").asBoolean() && value.isEmpty()) {
      problems.add(where + ": empty");
    }
    JsonNode pattern = constraints.path("pattern");
    String regex = pattern.isTextual() ? pattern.asText() : pattern.path("value").asText(null);
    if (regex != null && !Pattern.compile(regex).matcher(value).find()) {
      problems.add(where + ": " + value + " does not match " + regex);
    }
    return problems;
  }

  /** The schema's draft-07 conditionals (if/then, const) that the draft-04 validator skips. */
  static List<String> draft07Rules(JsonNode template) {
    List<String> problems = new ArrayList<>();
    for (JsonNode property : template.path("properties")) {
      String label = property.path("label").asText(property.path("binding").toString());
      String type = property.path("type").asText("String");
      JsonNode binding = property.path("binding");
      String bindingType = binding.path("type").asText();
      if ("Dropdown".equals(type)) {
        if (!property.path("choices").isArray() || property.path("choices").isEmpty()) {
          problems.add(label + ": a Dropdown needs choices");
        } else if (property.has("value")) {
          boolean listed = false;
          for (JsonNode choice : property.path("choices")) {
            listed |= Objects.equals(choice.path("value").asText(), property.path("value").asText());
          }
          if (!listed) {
            problems.add(label + ": default value is not one of the choices");
          }
        }
      }
      if (Set.of("property", "camunda:property", "camunda:inputParameter", "camunda:field",
          "camunda:in", "camunda:out").contains(bindingType) && binding.path("name").asText().isEmpty()
          && !"camunda:out".equals(bindingType)) {
        problems.add(label + ": binding " + bindingType + " needs a name");
      }
      if ("camunda:outputParameter".equals(bindingType) && binding.path("source").asText().isEmpty()) {
        problems.add(label + ": binding camunda:outputParameter needs a source");
      }
      if ("camunda:executionListener".equals(bindingType) && !"Hidden".equals(type)) {
        problems.add(label + ": execution listeners must be Hidden");
      }
    }
    return problems;
  }

  static List<String> errors(JsonNode json) throws Exception {
    ProcessingReport report = schema.validate(json, true);
    List<String> errors = new ArrayList<>();
    for (ProcessingMessage message : report) {
      if (message.getLogLevel().ordinal() >= com.github.fge.jsonschema.core.report.LogLevel.ERROR.ordinal()) {
        errors.add(message.toString());
      }
    }
    return errors;
  }

  static JsonNode property(JsonNode template, String bindingType, String name) {
    for (JsonNode property : template.path("properties")) {
      JsonNode binding = property.path("binding");
      if (bindingType.equals(binding.path("type").asText()) && name.equals(binding.path("name").asText())) {
        return property;
      }
    }
    return null;
  }

  static String key(String id, int version) {
    return id + "@" + version;
  }
}
