package io.flexorchestrator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prints a benchmark's report and writes it to {@code target/benchmarks/<name>.md}. */
final class BenchReport {

  private BenchReport() {
  }

  /** The database the benchmark ran on, e.g. "H2 2.3.232" or "PostgreSQL 15.14". */
  static String database(javax.sql.DataSource dataSource) {
    try (java.sql.Connection c = dataSource.getConnection()) {
      return c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
    } catch (java.sql.SQLException e) {
      return "database unknown (" + e.getMessage() + ")";
    }
  }

  static void publish(String name, CharSequence report) {
    System.out.println("\n" + report);
    Path out = Path.of("target", "benchmarks", name + ".md");
    try {
      Files.createDirectories(out.getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.out.println("could not write " + out + ": " + e.getMessage());
    }
  }
}
