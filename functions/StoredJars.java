import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Writes the jars a function's Lambda zip packs, each storing its entries uncompressed (the zip
 * itself stays deflated): the JVM then reads each class it loads without inflating it, about
 * 75-115 ms of CPU of a cold C1-only JVM for a function's ~2,600 classes (docs/performance.md,
 * "Artifacts and cold starts"). Entries keep their order, names, times, extra fields and bytes;
 * only the method changes. Run by functions/pom.xml before functions/lambda-zip.xml packs the
 * output directory into lib/: {@code java functions/StoredJars.java <lambda.classpath> <dir>},
 * where lambda.classpath lists the module's runtime dependencies; the directory is emptied first,
 * so it holds exactly those jars. Without the classpath file (the parent pom module) it does
 * nothing.
 */
public final class StoredJars {

  public static void main(String[] args) throws IOException {
    Path classpath = Path.of(args[0]);
    Path dir = Path.of(args[1]);
    if (!Files.isRegularFile(classpath)) {
      return;
    }
    if (Files.isDirectory(dir)) {
      try (var old = Files.newDirectoryStream(dir)) {
        for (Path file : old) {
          Files.delete(file);
        }
      }
    }
    Files.createDirectories(dir);
    String entries = Files.readString(classpath).strip();
    for (String entry : entries.isEmpty() ? new String[0] : entries.split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (!Files.isRegularFile(jar) || !entry.endsWith(".jar")) {
        throw new IllegalStateException("not a jar on the Lambda classpath: " + entry);
      }
      Path target = dir.resolve(jar.getFileName());
      if (Files.exists(target)) {
        throw new IllegalStateException("two jars named " + jar.getFileName());
      }
      Files.write(target, stored(Files.readAllBytes(jar)));
    }
  }

  private static byte[] read(ZipFile zip, ZipEntry entry) throws IOException {
    try (InputStream in = zip.getInputStream(entry)) {
      return in.readAllBytes();
    }
  }

  /** The same jar, every entry stored. */
  private static byte[] stored(byte[] jar) throws IOException {
    Path source = Files.createTempFile("stored-jars", ".jar");
    try {
      Files.write(source, jar);
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(jar.length * 3);
      try (ZipFile in = new ZipFile(source.toFile());
          ZipOutputStream out = new ZipOutputStream(bytes)) {
        for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
          ZipEntry entry = e.nextElement();
          byte[] content = read(in, entry);
          ZipEntry copy = new ZipEntry(entry.getName());
          copy.setTime(entry.getTime());
          if (entry.getExtra() != null) {
            copy.setExtra(entry.getExtra());
          }
          copy.setMethod(ZipEntry.STORED);
          copy.setSize(content.length);
          copy.setCompressedSize(content.length);
          CRC32 crc = new CRC32();
          crc.update(content);
          copy.setCrc(crc.getValue());
          out.putNextEntry(copy);
          out.write(content);
          out.closeEntry();
        }
      }
      return bytes.toByteArray();
    } finally {
      Files.delete(source);
    }
  }

  private StoredJars() {}
}
