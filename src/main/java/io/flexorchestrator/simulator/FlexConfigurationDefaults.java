package io.flexorchestrator.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Flex configuration resource of the sandbox account, with the attachment limits Twilio
 * publishes per address type (web and WhatsApp 16 MiB a file / 64 MiB in all, MMS 5 MiB,
 * Messenger 25 MiB).
 */
final class FlexConfigurationDefaults {

  private static final long MIB = 1024L * 1024L;

  private FlexConfigurationDefaults() {}

  static Map<String, Object> configuration(SimState state) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("account_sid", SimState.ACCOUNT);
    c.put("status", "ok");
    c.put("taskrouter_workspace_sid", state.workspace.sid);
    c.put("taskrouter_target_workflow_sid", io.flexorchestrator.config.SandboxDefaults.WORKFLOW_SID);
    c.put("taskrouter_target_taskqueue_sid", SimState.DEFAULT_QUEUE_SID);
    c.put("chat_service_instance_sid", state.defaultChatServiceSid);
    c.put("flex_service_instance_sid", state.defaultChatServiceSid);
    c.put("messaging_service_instance_sid", state.defaultMessagingServiceSid);
    c.put("flex_instance_sid", SimState.FLEX_INSTANCE_SID);
    c.put("ui_language", "en");
    c.put("ui_version", "2.0");
    c.put("service_version", "1.0");
    c.put("attributes", new LinkedHashMap<>());
    c.put("channel_configs", new ArrayList<>(List.of(
        channel("web", 16 * MIB, 64 * MIB, 1, List.of("jpg", "jpeg", "png", "amr", "mp3", "mp4",
            "pdf", "heic", "txt", "gif")),
        channel("sms", 5 * MIB, 5 * MIB, 10, List.of("jpg", "jpeg", "png", "gif", "heic", "mp3",
            "mp4", "amr", "pdf", "vcf", "txt")),
        channel("whatsapp", 16 * MIB, 64 * MIB, 1, List.of("jpg", "jpeg", "png", "amr", "mp3",
            "mp4", "pdf", "ogg")),
        channel("messenger", 25 * MIB, 25 * MIB, 1, List.of("jpg", "jpeg", "png", "gif", "mp3",
            "mp4", "pdf", "txt"))
    )));
    c.put("url", "https://flex-api.twilio.com/v1/Configuration");
    return c;
  }

  private static Map<String, Object> channel(String type, long maxFile, long maxTotal, int count,
      List<String> extensions) {
    Map<String, Object> attachments = new LinkedHashMap<>();
    attachments.put("enabled", true);
    attachments.put("number_of_attachments", count);
    attachments.put("max_file_size", maxFile);
    attachments.put("max_total_file_size", maxTotal);
    attachments.put("accepted_extensions", extensions);
    Map<String, Object> channel = new LinkedHashMap<>();
    channel.put("address_type", type);
    channel.put("cbm_attachments", attachments);
    return channel;
  }
}
