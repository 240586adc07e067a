package io.flexorchestrator.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/**
 * The request Camunda Modeler's "Deploy" button (Camunda 7) sends: {@code POST
 * /engine-rest/deployment/create}, multipart, fields {@code deployment-name},
 * {@code deploy-changed-only=true}, {@code deployment-source=Camunda Modeler} and the diagram as a
 * part named like its file, HTTP Basic with the operator account.
 */
public final class ModelerDeployment {

  private ModelerDeployment() {
  }

  /** To the default engine, as Modeler's endpoint {@code http://host:port/engine-rest}. */
  public static HttpResponse<String> deploy(int port, String deploymentName, String fileName, String xml) {
    return deploy(port, null, deploymentName, fileName, xml);
  }

  /** To a named engine ({@code /engine-rest/engine/{name}}); null = the default engine. */
  public static HttpResponse<String> deploy(int port, String engine, String deploymentName, String fileName,
      String xml) {
    String boundary = "----modeler" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    field(body, boundary, "deployment-name", deploymentName);
    field(body, boundary, "deploy-changed-only", "true");
    field(body, boundary, "deployment-source", "Camunda Modeler");
    write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileName
        + "\"; filename=\"" + fileName + "\"\r\nContent-Type: text/xml\r\n\r\n" + xml + "\r\n");
    write(body, "--" + boundary + "--\r\n");
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/engine-rest" + (engine == null ? "" : "/engine/" + engine) + "/deployment/create"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .header("Authorization", "Basic " + Base64.getEncoder()
            .encodeToString("demo:demo".getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
        .build();
    try {
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
          .send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("deployment request failed", e);
    }
  }

  private static void field(ByteArrayOutputStream body, String boundary, String name, String value) {
    write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n"
        + value + "\r\n");
  }

  private static void write(ByteArrayOutputStream body, String text) {
    body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
