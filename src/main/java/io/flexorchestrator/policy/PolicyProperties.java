package io.flexorchestrator.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the pre-event message policy ({@code orchestrator.policy.*}): which rules run for
 * which address type, in which order, and each rule's fail mode and time budget.
 */
@ConfigurationProperties("orchestrator.policy")
public class PolicyProperties {

  /** What a rule that throws or overruns its budget counts as. */
  public enum FailMode {
    /** the rule is skipped: the message goes on as the rule found it */
    OPEN,
    /** the message is rejected */
    CLOSED
  }

  /** Off: every pre-event is accepted unchanged (signatures are still checked). */
  private boolean enabled = true;
  /** Budget of the whole chain; Twilio publishes unchanged after 5 s, so stay far below. */
  private Duration totalBudget = Duration.ofSeconds(1);
  /** Rule chain per address type (sms, whatsapp, web, messenger, api, ...); "default" for the rest. */
  private Map<String, List<String>> chains = new LinkedHashMap<>();
  private Pii pii = new Pii();
  private SenderBlocklist senderBlocklist = new SenderBlocklist();
  private ContentBlocklist contentBlocklist = new ContentBlocklist();
  private Rule attachments = new Rule(FailMode.CLOSED, Duration.ofMillis(100));
  private FriendlyName friendlyName = new FriendlyName();
  /** How many rejections (without content) {@code GET /api/policy/rejections} keeps. */
  private int recentRejections = 100;
  private ChannelConfigs channelConfigs = new ChannelConfigs();

  public static final List<String> DEFAULT_CHAIN =
      List.of("sender-blocklist", "content-blocklist", "pii-masking", "attachments");

  public List<String> chainFor(String addressType) {
    List<String> chain = chains.get(addressType);
    if (chain == null) {
      chain = chains.getOrDefault("default", DEFAULT_CHAIN);
    }
    return chain;
  }

  /** Common settings of every rule. */
  public static class Rule {
    private FailMode failMode;
    private Duration budget;

    public Rule() {
      this(FailMode.OPEN, Duration.ofMillis(100));
    }

    public Rule(FailMode failMode, Duration budget) {
      this.failMode = failMode;
      this.budget = budget;
    }

    public FailMode getFailMode() {
      return failMode;
    }

    public void setFailMode(FailMode failMode) {
      this.failMode = failMode;
    }

    public Duration getBudget() {
      return budget;
    }

    public void setBudget(Duration budget) {
      this.budget = budget;
    }
  }

  /** PII masking: Luhn-checked card numbers and named regexes, masked to their last 4 digits. */
  public static class Pii extends Rule {
    private boolean cards = true;
    /** name → regex (Java syntax); every match is masked except its last 4 digits */
    private Map<String, String> patterns = new LinkedHashMap<>();
    /** add {@code "policy":{"masked":[kinds]}} to the message attributes when something was masked */
    private boolean markAttributes = true;

    public Pii() {
      super(FailMode.CLOSED, Duration.ofMillis(200));
    }

    public boolean isCards() {
      return cards;
    }

    public void setCards(boolean cards) {
      this.cards = cards;
    }

    public Map<String, String> getPatterns() {
      return patterns;
    }

    public void setPatterns(Map<String, String> patterns) {
      this.patterns = patterns;
    }

    public boolean isMarkAttributes() {
      return markAttributes;
    }

    public void setMarkAttributes(boolean markAttributes) {
      this.markAttributes = markAttributes;
    }
  }

  /** Senders whose messages are rejected: addresses (+1555…, whatsapp:+1555…) or chat identities. */
  public static class SenderBlocklist extends Rule {
    private List<String> senders = new ArrayList<>();
    private String reason = "Messages from this sender are not accepted.";

    public SenderBlocklist() {
      super(FailMode.OPEN, Duration.ofMillis(50));
    }

    public List<String> getSenders() {
      return senders;
    }

    public void setSenders(List<String> senders) {
      this.senders = senders;
    }

    public String getReason() {
      return reason;
    }

    public void setReason(String reason) {
      this.reason = reason;
    }
  }

  /** Blocked words (whole words, any case) and regexes, rejected or masked. */
  public static class ContentBlocklist extends Rule {
    public enum Action { REJECT, MASK }

    private List<String> words = new ArrayList<>();
    private List<String> patterns = new ArrayList<>();
    private Action action = Action.REJECT;
    private String reason = "The message contains content that is not accepted.";

    public ContentBlocklist() {
      super(FailMode.OPEN, Duration.ofMillis(100));
    }

    public List<String> getWords() {
      return words;
    }

    public void setWords(List<String> words) {
      this.words = words;
    }

    public List<String> getPatterns() {
      return patterns;
    }

    public void setPatterns(List<String> patterns) {
      this.patterns = patterns;
    }

    public Action getAction() {
      return action;
    }

    public void setAction(Action action) {
      this.action = action;
    }

    public String getReason() {
      return reason;
    }

    public void setReason(String reason) {
      this.reason = reason;
    }
  }

  /** onConversationAdd: a friendly name with PII in it is replaced by a neutral one. */
  public static class FriendlyName extends Rule {
    private boolean enabled = true;
    /** {channel} is replaced by the address type */
    private String template = "{channel} conversation";

    public FriendlyName() {
      super(FailMode.OPEN, Duration.ofMillis(50));
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getTemplate() {
      return template;
    }

    public void setTemplate(String template) {
      this.template = template;
    }
  }

  /** The Flex Configuration's channel_configs (attachment rules per address type). */
  public static class ChannelConfigs {
    private boolean readOnStartup = true;
    private Duration refreshInterval = Duration.ofMinutes(5);

    public boolean isReadOnStartup() {
      return readOnStartup;
    }

    public void setReadOnStartup(boolean readOnStartup) {
      this.readOnStartup = readOnStartup;
    }

    public Duration getRefreshInterval() {
      return refreshInterval;
    }

    public void setRefreshInterval(Duration refreshInterval) {
      this.refreshInterval = refreshInterval;
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Duration getTotalBudget() {
    return totalBudget;
  }

  public void setTotalBudget(Duration totalBudget) {
    this.totalBudget = totalBudget;
  }

  public Map<String, List<String>> getChains() {
    return chains;
  }

  public void setChains(Map<String, List<String>> chains) {
    this.chains = chains;
  }

  public Pii getPii() {
    return pii;
  }

  public void setPii(Pii pii) {
    this.pii = pii;
  }

  public SenderBlocklist getSenderBlocklist() {
    return senderBlocklist;
  }

  public void setSenderBlocklist(SenderBlocklist senderBlocklist) {
    this.senderBlocklist = senderBlocklist;
  }

  public ContentBlocklist getContentBlocklist() {
    return contentBlocklist;
  }

  public void setContentBlocklist(ContentBlocklist contentBlocklist) {
    this.contentBlocklist = contentBlocklist;
  }

  public Rule getAttachments() {
    return attachments;
  }

  public void setAttachments(Rule attachments) {
    this.attachments = attachments;
  }

  public FriendlyName getFriendlyName() {
    return friendlyName;
  }

  public void setFriendlyName(FriendlyName friendlyName) {
    this.friendlyName = friendlyName;
  }

  public int getRecentRejections() {
    return recentRejections;
  }

  public void setRecentRejections(int recentRejections) {
    this.recentRejections = recentRejections;
  }

  public ChannelConfigs getChannelConfigs() {
    return channelConfigs;
  }

  public void setChannelConfigs(ChannelConfigs channelConfigs) {
    this.channelConfigs = channelConfigs;
  }
}
