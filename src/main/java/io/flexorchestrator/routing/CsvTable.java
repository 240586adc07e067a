package io.flexorchestrator.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file as a spreadsheet writes it (RFC 4180): fields separated by commas, or by semicolons
 * when the header has semicolons and no comma (spreadsheets in many locales); double quotes around
 * a field that holds a separator, a quote ({@code ""}) or a line break. Lines starting with
 * {@code #} are comments; blank lines are skipped. Each row keeps the line it starts on, and each
 * cell whether it was quoted, so that {@code ""} (the empty text) differs from an empty cell.
 */
final class CsvTable {

  /** A cell: its text, and whether it was written in quotes. */
  record Cell(String text, boolean quoted) {

    boolean empty() {
      return !quoted && text.isEmpty();
    }
  }

  record Row(int line, List<Cell> cells) {}

  /** Thrown for a file that is no CSV (an unclosed quote); names the line. */
  static final class Malformed extends RuntimeException {
    final int line;

    Malformed(int line, String message) {
      super(message);
      this.line = line;
    }
  }

  private CsvTable() {
  }

  static List<Row> parse(String text) {
    String content = text.startsWith("\uFEFF") ? text.substring(1) : text;
    char separator = separator(content);
    List<Row> rows = new ArrayList<>();
    int line = 1;
    int i = 0;
    while (i < content.length()) {
      int rowLine = line;
      int lineEnd = content.indexOf('\n', i);
      String physical = content.substring(i, lineEnd < 0 ? content.length() : lineEnd).strip();
      if (physical.isEmpty() || physical.startsWith("#")) {
        i = lineEnd < 0 ? content.length() : lineEnd + 1;
        line++;
        continue;
      }
      List<Cell> cells = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean inQuotes = false;
      while (true) {
        if (i >= content.length()) {
          if (inQuotes) {
            throw new Malformed(rowLine, "a quoted field that starts on this line is never closed");
          }
          cells.add(cell(field, quoted));
          break;
        }
        char c = content.charAt(i++);
        if (inQuotes) {
          if (c == '"' && i < content.length() && content.charAt(i) == '"') {
            field.append('"');
            i++;
          } else if (c == '"') {
            inQuotes = false;
          } else {
            if (c == '\n') {
              line++;
            }
            field.append(c);
          }
        } else if (c == '"' && field.toString().isBlank()) {
          field.setLength(0);
          quoted = true;
          inQuotes = true;
        } else if (c == separator) {
          cells.add(cell(field, quoted));
          field.setLength(0);
          quoted = false;
        } else if (c == '\n') {
          cells.add(cell(field, quoted));
          line++;
          break;
        } else if (c != '\r' && !(quoted && Character.isWhitespace(c))) {
          field.append(c);
        }
      }
      rows.add(new Row(rowLine, cells));
    }
    return rows;
  }

  private static Cell cell(StringBuilder field, boolean quoted) {
    return new Cell(quoted ? field.toString() : field.toString().strip(), quoted);
  }

  private static char separator(String content) {
    for (String line : content.split("\n")) {
      String header = line.strip();
      if (!header.isEmpty() && !header.startsWith("#")) {
        return header.indexOf(';') >= 0 && header.indexOf(',') < 0 ? ';' : ',';
      }
    }
    return ',';
  }
}
