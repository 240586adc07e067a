package io.flexorchestrator.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators' view of the attachment rules (HTTP Basic, {@code /api/**}):
 * {@code GET/PUT /api/channel-configs/{addressType}} with the {@code cbm_attachments} object as
 * Flex names it; a PUT is written to the Flex configuration and takes effect at once.
 * {@code GET /api/policy/rejections}: recent pre-event rejections, without content.
 */
@RestController
public class ChannelConfigController {

  private final ChannelConfigCache cache;
  private final RecentRejections rejections;

  public ChannelConfigController(ChannelConfigCache cache, RecentRejections rejections) {
    this.cache = cache;
    this.rejections = rejections;
  }

  @GetMapping("/api/channel-configs")
  public Map<String, Object> all() {
    ChannelConfigCache.Snapshot s = cache.snapshot();
    Map<String, Object> byType = new LinkedHashMap<>();
    cache.addressTypes().forEach(type -> byType.put(type, s.byType().get(type)));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("source", s.source());
    answer.put("readAt", s.readAt());
    answer.put("lastError", s.lastError());
    answer.put("channelConfigs", byType);
    return answer;
  }

  @GetMapping("/api/channel-configs/{addressType}")
  public CbmAttachments get(@PathVariable String addressType) {
    String type = type(addressType);
    return cache.forType(type).orElseThrow(() -> unknown(addressType));
  }

  @PutMapping("/api/channel-configs/{addressType}")
  public ResponseEntity<CbmAttachments> put(@PathVariable String addressType,
      @RequestBody(required = false) Map<String, Object> body) {
    String type = type(addressType);
    CbmAttachments attachments = CbmAttachments.validate(body);
    return ResponseEntity.ok(cache.update(type, attachments));
  }

  @GetMapping("/api/policy/rejections")
  public List<RecentRejections.Rejection> rejections() {
    return rejections.list();
  }

  private String type(String requested) {
    String type = AddressTypes.canonical(requested);
    if (type == null || !cache.addressTypes().contains(type)) {
      throw unknown(requested);
    }
    return type;
  }

  private IllegalArgumentException unknown(String requested) {
    String shown = requested == null ? "" : requested.replaceAll("[^A-Za-z0-9_-]", "");
    if (shown.length() > 30) {
      shown = shown.substring(0, 30);
    }
    return new IllegalArgumentException("unknown address type " + shown + "; known are "
        + cache.addressTypes());
  }
}
