package io.flexorchestrator.policy;

import java.util.List;
import java.util.Map;

/**
 * Twilio's published attachment limits per address type, used when the Flex configuration cannot
 * be read or has no entry for a type: web chat and WhatsApp 16 MiB a file / 64 MiB in all, SMS
 * (MMS) 5 MiB per message, Messenger 25 MiB.
 */
public final class ChannelConfigDefaults {

  private static final long MIB = 1024L * 1024L;

  public static final Map<String, CbmAttachments> DEFAULTS = Map.of(
      "web", new CbmAttachments(true, 1, 16 * MIB, 64 * MIB,
          List.of("jpg", "jpeg", "png", "amr", "mp3", "mp4", "pdf", "heic", "txt", "gif")),
      "sms", new CbmAttachments(true, 10, 5 * MIB, 5 * MIB,
          List.of("jpg", "jpeg", "png", "gif", "heic", "mp3", "mp4", "amr", "pdf", "vcf", "txt")),
      "whatsapp", new CbmAttachments(true, 1, 16 * MIB, 64 * MIB,
          List.of("jpg", "jpeg", "png", "amr", "mp3", "mp4", "pdf", "ogg")),
      "messenger", new CbmAttachments(true, 1, 25 * MIB, 25 * MIB,
          List.of("jpg", "jpeg", "png", "gif", "mp3", "mp4", "pdf", "txt")));

  private ChannelConfigDefaults() {}
}
