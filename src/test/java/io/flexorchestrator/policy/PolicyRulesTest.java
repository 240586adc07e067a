package io.flexorchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.policy.PreEvent.Media;
import io.flexorchestrator.policy.RuleOutcome.Decision;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The rules one by one, without Spring. */
class PolicyRulesTest {

  static final long MIB = 1024L * 1024L;
  final ObjectMapper mapper = new ObjectMapper();

  static PreEvent message(String addressType, String author, String body, List<Media> media) {
    return new PreEvent("onMessageAdd", "CH00000000000000000000000000000001", addressType, author,
        null, null, null, body, "{}", media);
  }

  static PreEvent message(String body) {
    return message("sms", "+15551230001", body, List.of());
  }

  PiiMaskingRule pii(PolicyProperties p) {
    return new PiiMaskingRule(p, mapper);
  }

  @Test
  void cardNumbersWithSpacesOrDashesAreMaskedToTheirLastFourDigits() {
    PiiMaskingRule rule = pii(new PolicyProperties());
    RuleOutcome out = rule.apply(message("my card 4111 1111 1111 1111, exp 12/27"), Deadline.none());
    assertThat(out.decision()).isEqualTo(Decision.MODIFY);
    assertThat(out.body()).isEqualTo("my card **** **** **** 1111, exp 12/27");
    assertThat(rule.apply(message("5500-0000-0000-0004"), Deadline.none()).body())
        .isEqualTo("****-****-****-0004");
    assertThat(rule.apply(message("amex 378282246310005."), Deadline.none()).body())
        .isEqualTo("amex ***********0005.");
    assertThat(out.attributes()).isEqualTo("{\"policy\":{\"masked\":[\"card\"]}}");
    assertThat(out.detail()).isEqualTo("card");
  }

  @Test
  void numbersThatFailTheLuhnCheckOrAreTooShortStay() {
    PiiMaskingRule rule = pii(new PolicyProperties());
    assertThat(rule.apply(message("order 4111 1111 1111 1112"), Deadline.none()).decision())
        .isEqualTo(Decision.ACCEPT);
    assertThat(rule.apply(message("call +1 555 123 0001 please"), Deadline.none()).decision())
        .isEqualTo(Decision.ACCEPT);
    assertThat(rule.apply(message("hello"), Deadline.none()).decision()).isEqualTo(Decision.ACCEPT);
    assertThat(rule.apply(message(null), Deadline.none()).decision()).isEqualTo(Decision.ACCEPT);
    // a run of 25 digits is not a card
    assertThat(rule.apply(message("4111111111111111411111111"), Deadline.none()).decision())
        .isEqualTo(Decision.ACCEPT);
  }

  @Test
  void configuredPatternsAreMaskedAndAttributesKeepTheirContent() {
    PolicyProperties p = new PolicyProperties();
    p.getPii().setPatterns(Map.of("us-ssn", "(?<!\\d)\\d{3}-\\d{2}-\\d{4}(?!\\d)"));
    PiiMaskingRule rule = pii(p);
    PreEvent event = message("sms", "+15551230001", "ssn 123-45-6789 and card 4111111111111111",
        List.of()).withAttributes("{\"topic\":\"billing\"}");
    RuleOutcome out = rule.apply(event, Deadline.none());
    assertThat(out.body()).isEqualTo("ssn ***-**-6789 and card ************1111");
    assertThat(out.attributes())
        .isEqualTo("{\"topic\":\"billing\",\"policy\":{\"masked\":[\"card\",\"us-ssn\"]}}");
  }

  @Test
  void attributesThatAreNotAnObjectAreLeftAlone() {
    PiiMaskingRule rule = pii(new PolicyProperties());
    RuleOutcome out = rule.apply(message("4111111111111111").withAttributes("not json"), Deadline.none());
    assertThat(out.body()).isEqualTo("************1111");
    assertThat(out.attributes()).isNull();
  }

  @Test
  void anInvalidPatternStopsTheStartWithAClearMessage() {
    PolicyProperties p = new PolicyProperties();
    p.getPii().setPatterns(Map.of("broken", "(\\d"));
    assertThatThrownBy(() -> pii(p)).hasMessageContaining("orchestrator.policy.pii.patterns.broken");
  }

  @Test
  void aCatastrophicPatternStopsAtTheDeadline() {
    // polynomial of degree 20 in the input length: minutes without the guard
    Pattern evil = Pattern.compile("(.*a){20}");
    String text = "a".repeat(40) + "b";
    long start = System.nanoTime();
    assertThatThrownBy(() -> PiiMaskingRule.maskMatches(evil, text, Deadline.in(20_000_000L)))
        .isInstanceOf(Deadline.Exceeded.class);
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }

  @Test
  void blockedSendersAreRejectedByAddressOrIdentity() {
    PolicyProperties p = new PolicyProperties();
    p.getSenderBlocklist().setSenders(List.of("+15559990000", "Troll-42"));
    SenderBlocklistRule rule = new SenderBlocklistRule(p);
    RuleOutcome out = rule.apply(message("sms", "+15559990000", "hi", List.of()), Deadline.none());
    assertThat(out.decision()).isEqualTo(Decision.REJECT);
    assertThat(out.status()).isEqualTo(403);
    assertThat(rule.apply(message("whatsapp", "whatsapp:+15559990000", "hi", List.of()),
        Deadline.none()).decision()).isEqualTo(Decision.REJECT);
    PreEvent chat = new PreEvent("onMessageAdd", "CH1", "web", "troll-42", "troll-42", null, null,
        "hi", "{}", List.of());
    assertThat(rule.apply(chat, Deadline.none()).decision()).isEqualTo(Decision.REJECT);
    assertThat(rule.apply(message("sms", "+15551230001", "hi", List.of()), Deadline.none())
        .decision()).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void blockedWordsAreRejectedOrMaskedAsConfigured() {
    PolicyProperties p = new PolicyProperties();
    p.getContentBlocklist().setWords(List.of("darn"));
    p.getContentBlocklist().setPatterns(List.of("free\\s+bitcoin"));
    ContentBlocklistRule reject = new ContentBlocklistRule(p);
    RuleOutcome out = reject.apply(message("well DARN it"), Deadline.none());
    assertThat(out.decision()).isEqualTo(Decision.REJECT);
    assertThat(out.reason()).doesNotContainIgnoringCase("darn");
    assertThat(reject.apply(message("darning socks"), Deadline.none()).decision())
        .isEqualTo(Decision.ACCEPT);
    assertThat(reject.apply(message("get FREE  bitcoin"), Deadline.none()).decision())
        .isEqualTo(Decision.REJECT);

    p.getContentBlocklist().setAction(PolicyProperties.ContentBlocklist.Action.MASK);
    ContentBlocklistRule mask = new ContentBlocklistRule(p);
    assertThat(mask.apply(message("well darn it, darn"), Deadline.none()).body())
        .isEqualTo("well **** it, ****");
  }

  AttachmentRule attachments(ChannelConfigCache cache) {
    return new AttachmentRule(new PolicyProperties(), cache);
  }

  ChannelConfigCache defaults() {
    return new ChannelConfigCache(null, new PolicyProperties());
  }

  static Media media(String filename, String contentType, long size) {
    return new Media("ME00000000000000000000000000000001", filename, contentType, size, "media");
  }

  @Test
  void attachmentsAreCheckedAgainstTheChannelsLimits() {
    AttachmentRule rule = attachments(defaults());
    assertThat(rule.apply(message("web", "jane", null, List.of(media("a.pdf", "application/pdf",
        MIB))), Deadline.none()).decision()).isEqualTo(Decision.ACCEPT);

    RuleOutcome exe = rule.apply(message("web", "jane", null,
        List.of(media("setup.exe", "application/octet-stream", 1000))), Deadline.none());
    assertThat(exe.decision()).isEqualTo(Decision.REJECT);
    assertThat(exe.status()).isEqualTo(422);
    assertThat(exe.reason()).contains(".exe").doesNotContain("setup");

    RuleOutcome big = rule.apply(message("whatsapp", "whatsapp:+15551230001", null,
        List.of(media("movie.mp4", "video/mp4", 17 * MIB))), Deadline.none());
    assertThat(big.decision()).isEqualTo(Decision.REJECT);
    assertThat(big.reason()).contains("17 MiB").contains("16 MiB per file");

    RuleOutcome two = rule.apply(message("web", "jane", null,
        List.of(media("a.png", "image/png", 10), media("b.png", "image/png", 10))), Deadline.none());
    assertThat(two.reason()).contains("at most 1");

    RuleOutcome total = rule.apply(message("sms", "+15551230001", null,
        List.of(media("a.jpg", "image/jpeg", 3 * MIB), media("b.jpg", "image/jpeg", 3 * MIB))),
        Deadline.none());
    assertThat(total.decision()).isEqualTo(Decision.REJECT);
    assertThat(total.reason()).contains("together").contains("5 MiB");
  }

  @Test
  void anAttachmentWithoutFileNameIsJudgedByItsContentType() {
    AttachmentRule rule = attachments(defaults());
    assertThat(rule.apply(message("sms", "+1", null, List.of(media(null, "image/jpeg", 10))),
        Deadline.none()).decision()).isEqualTo(Decision.ACCEPT);
    RuleOutcome unknown = rule.apply(message("sms", "+1", null,
        List.of(media(null, "application/x-msdownload", 10))), Deadline.none());
    assertThat(unknown.decision()).isEqualTo(Decision.REJECT);
    assertThat(unknown.reason()).contains("could not be determined");
  }

  @Test
  void addressTypesComeFromTheBindingTheAuthorOrTheSource() {
    assertThat(AddressTypes.of("whatsapp", "x", "API")).isEqualTo("whatsapp");
    assertThat(AddressTypes.of(null, "whatsapp:+1555", "WHATSAPP")).isEqualTo("whatsapp");
    assertThat(AddressTypes.of(null, "messenger:123", null)).isEqualTo("messenger");
    assertThat(AddressTypes.of(null, "+15551230001", "SMS")).isEqualTo("sms");
    assertThat(AddressTypes.of(null, "jane", "SDK")).isEqualTo("web");
    assertThat(AddressTypes.of(null, "system", "API")).isEqualTo("api");
    assertThat(AddressTypes.canonical("chat")).isEqualTo("web");
    assertThat(AddressTypes.canonical("fax")).isNull();
  }

  @Test
  void friendlyNamesWithPiiAreReplaced() {
    FriendlyNameNormaliser n = new FriendlyNameNormaliser(new PolicyProperties());
    assertThat(n.normalise("whatsapp:+15551230001", "whatsapp", Deadline.none()))
        .isEqualTo("whatsapp conversation");
    assertThat(n.normalise("jane.doe@example.com", "web", Deadline.none())).isEqualTo("web conversation");
    assertThat(n.normalise("Billing question", "sms", Deadline.none())).isNull();
    assertThat(n.normalise(null, "sms", Deadline.none())).isNull();
  }

  @Test
  void mediaIsParsedAsTwilioSendsIt() {
    PreEventParser parser = new PreEventParser(mapper);
    List<Media> media = parser.media("[{\"Sid\":\"ME1\",\"Filename\":\"a.pdf\",\"ContentType\":"
        + "\"application/pdf\",\"Size\":1234,\"Category\":\"media\"},{\"Size\":\"99\"}]");
    assertThat(media).hasSize(2);
    assertThat(media.get(0).size()).isEqualTo(1234);
    assertThat(media.get(1).size()).isEqualTo(99);
    assertThat(parser.media(null)).isEmpty();
    assertThatThrownBy(() -> parser.media("{not json")).hasMessageContaining("Media");
    assertThatThrownBy(() -> parser.media("{\"a\":1}")).hasMessageContaining("array");
    assertThatThrownBy(() -> parser.media("[{\"Size\":\"big\"}]")).hasMessageContaining("Size");
  }

  @Test
  void operatorChangesAreValidated() {
    Map<String, Object> ok = Map.of("enabled", true, "number_of_attachments", 2,
        "max_file_size", 1024, "max_total_file_size", 2048,
        "accepted_extensions", List.of("PDF", ".png"));
    CbmAttachments c = CbmAttachments.validate(ok);
    assertThat(c.acceptedExtensions()).containsExactly("pdf", "png");
    assertThatThrownBy(() -> CbmAttachments.validate(Map.of("enabled", true)))
        .hasMessageContaining("required");
    Map<String, Object> extra = new java.util.HashMap<>(ok);
    extra.put("colour", "red");
    assertThatThrownBy(() -> CbmAttachments.validate(extra)).hasMessageContaining("unknown field");
    Map<String, Object> negative = new java.util.HashMap<>(ok);
    negative.put("max_file_size", -1);
    assertThatThrownBy(() -> CbmAttachments.validate(negative)).hasMessageContaining("max_file_size");
    Map<String, Object> smallerTotal = new java.util.HashMap<>(ok);
    smallerTotal.put("max_total_file_size", 10);
    assertThatThrownBy(() -> CbmAttachments.validate(smallerTotal)).hasMessageContaining("smaller");
    Map<String, Object> badExt = new java.util.HashMap<>(ok);
    badExt.put("accepted_extensions", List.of("p df"));
    assertThatThrownBy(() -> CbmAttachments.validate(badExt)).hasMessageContaining("extensions");
  }
}
