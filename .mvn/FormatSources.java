import com.google.googlejavaformat.java.Formatter;
import com.google.googlejavaformat.java.FormatterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks (or, with "apply", rewrites) every Java source under the repository's src/ folders with
 * google-java-format. Run by the build on the JDK 25 toolchain: `mvn validate` checks,
 * `mvn validate -Dformat=apply` rewrites.
 */
void main(String[] args) throws IOException {
  boolean apply = args[0].equals("apply");
  Path root = Path.of(args[1]);
  Formatter formatter = new Formatter();
  List<Path> unformatted = new ArrayList<>();
  try (Stream<Path> files = Files.walk(root)) {
    for (Path file : files.filter(p -> isSource(root, p)).sorted().toList()) {
      String source = Files.readString(file);
      String formatted;
      try {
        formatted = formatter.formatSourceAndFixImports(source);
      } catch (FormatterException e) {
        throw new IllegalStateException(root.relativize(file) + ": " + e.getMessage(), e);
      }
      if (!formatted.equals(source)) {
        unformatted.add(root.relativize(file));
        if (apply) Files.writeString(file, formatted);
      }
    }
  }
  if (apply) {
    unformatted.forEach(f -> IO.println("formatted " + f));
  } else if (!unformatted.isEmpty()) {
    unformatted.forEach(f -> IO.println("not formatted: " + f));
    IO.println("Run: mvn validate -Dformat=apply");
    System.exit(1);
  }
}

boolean isSource(Path root, Path p) {
  String rel = root.relativize(p).toString();
  return rel.endsWith(".java")
      && rel.contains("src/")
      && !rel.startsWith(".")
      && !rel.contains("/target/")
      && !rel.startsWith("target/");
}
