package io.flexorchestrator.policy;

import io.flexorchestrator.policy.PreEvent.Media;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The message's media against the {@code cbm_attachments} of its address type (Flex
 * configuration, cached): attachments enabled, their number, each file's size, the total size and
 * the file extension. A violation is rejected with a reason the sender can act on; file names are
 * not repeated in it.
 */
@Component
public class AttachmentRule implements PolicyRule {

  public static final String NAME = "attachments";

  private static final Map<String, String> EXTENSIONS_BY_TYPE = Map.ofEntries(
      Map.entry("image/jpeg", "jpg"), Map.entry("image/png", "png"), Map.entry("image/gif", "gif"),
      Map.entry("image/heic", "heic"), Map.entry("audio/mpeg", "mp3"), Map.entry("audio/amr", "amr"),
      Map.entry("audio/ogg", "ogg"), Map.entry("video/mp4", "mp4"), Map.entry("application/pdf", "pdf"),
      Map.entry("text/plain", "txt"), Map.entry("text/vcard", "vcf"), Map.entry("text/x-vcard", "vcf"));

  private final PolicyProperties.Rule settings;
  private final ChannelConfigCache configs;

  public AttachmentRule(PolicyProperties properties, ChannelConfigCache configs) {
    this.settings = properties.getAttachments();
    this.configs = configs;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PolicyProperties.Rule settings() {
    return settings;
  }

  @Override
  public RuleOutcome apply(PreEvent event, Deadline deadline) {
    List<Media> media = event.media();
    if (media == null || media.isEmpty()) {
      return RuleOutcome.accept();
    }
    Optional<CbmAttachments> found = configs.forType(event.addressType());
    if (found.isEmpty()) {
      return RuleOutcome.accept();
    }
    CbmAttachments limits = found.get();
    if (!limits.enabled()) {
      return RuleOutcome.reject(422, "Attachments are not accepted on this channel.");
    }
    if (media.size() > limits.numberOfAttachments()) {
      return RuleOutcome.reject(422, "Too many attachments: at most " + limits.numberOfAttachments()
          + " per message on this channel.");
    }
    long total = 0;
    for (int i = 0; i < media.size(); i++) {
      Media m = media.get(i);
      String which = media.size() == 1 ? "The attachment" : "Attachment " + (i + 1);
      String ext = extension(m);
      if (ext == null || !limits.accepts(ext)) {
        return RuleOutcome.reject(422, which + ": "
            + (ext == null ? "its file type could not be determined" : "file type ." + ext + " is not accepted")
            + " on this channel (accepted: " + String.join(", ", limits.acceptedExtensions()) + ").");
      }
      if (m.size() > limits.maxFileSize()) {
        return RuleOutcome.reject(422, which + " is too large (" + size(m.size())
            + "); the limit on this channel is " + size(limits.maxFileSize()) + " per file.");
      }
      total += Math.max(0, m.size());
    }
    if (total > limits.maxTotalFileSize()) {
      return RuleOutcome.reject(422, "The attachments are too large together (" + size(total)
          + "); the limit on this channel is " + size(limits.maxTotalFileSize()) + " per message.");
    }
    return RuleOutcome.accept();
  }

  static String extension(Media m) {
    String name = m.filename();
    if (name != null) {
      int dot = name.lastIndexOf('.');
      if (dot >= 0 && dot < name.length() - 1) {
        return CbmAttachments.normaliseExtension(name.substring(dot + 1));
      }
    }
    if (m.contentType() != null) {
      String type = m.contentType().toLowerCase(Locale.ROOT);
      int semicolon = type.indexOf(';');
      return EXTENSIONS_BY_TYPE.get((semicolon < 0 ? type : type.substring(0, semicolon)).trim());
    }
    return null;
  }

  static String size(long bytes) {
    double mib = bytes / (1024.0 * 1024.0);
    if (bytes >= 1024L * 1024L) {
      return (mib == Math.rint(mib) ? String.valueOf((long) mib) : String.format(Locale.ROOT, "%.1f", mib))
          + " MiB";
    }
    return bytes >= 1024 ? (bytes / 1024) + " KiB" : bytes + " bytes";
  }
}
