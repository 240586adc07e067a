# Generates the Camunda Modeler element templates processes/.camunda/element-templates/*.json (one per delegate bean).
# Rerun from the repo root after changing a delegate or a message key: python3 processes/.camunda/gen-templates.py && python3 processes/.camunda/annotate-bpmn.py
import json, os, sys
SCHEMA = "https://unpkg.com/@camunda/element-templates-json-schema/resources/schema.json"
DOCS = "https://github.com/flex-orchestrator/flex-orchestrator/blob/main/docs/design.md"

def hidden_impl(bean, async_before=True):
    props = [{
        "label": "Implementation",
        "type": "Hidden",
        "value": "${" + bean + "}",
        "binding": {"type": "property", "name": "camunda:delegateExpression"},
    }]
    if async_before:
        props.append({
            "label": "Asynchronous before (own transaction, retried by the job executor)",
            "type": "Hidden",
            "value": True,
            "binding": {"type": "property", "name": "camunda:asyncBefore"},
        })
    return props

def template(tid, name, bean, description, keywords, extra=(), async_before=True, groups=None):
    t = {
        "$schema": SCHEMA,
        "name": name,
        "id": tid,
        "version": 1,
        "description": description,
        "appliesTo": ["bpmn:ServiceTask"],
        "elementType": {"value": "bpmn:ServiceTask"},
        "keywords": keywords,
        "entriesVisible": False,
        "metadata": {"delegateBean": bean},
    }
    if groups:
        t["groups"] = groups
    t["properties"] = hidden_impl(bean, async_before) + list(extra)
    return t

MESSAGE_KEYS = [
    ("Greeting (orchestrator.messages.texts.greeting)", "greeting"),
    ("Out-of-hours reply (orchestrator.messages.texts.out-of-hours)", "out-of-hours"),
    ("Workflow timeout, looking for another agent (orchestrator.messages.texts.workflow-timeout)", "workflow-timeout"),
    ("Closing, nobody could take it (orchestrator.messages.texts.closing)", "closing"),
    ("Task canceled (orchestrator.messages.texts.task-canceled)", "task-canceled"),
    ("Transfer failed, the current agent keeps the customer (orchestrator.messages.texts.transfer-failed)", "transfer-failed"),
]

REROUTE_COUNTER = {
    "label": "Counts the re-route attempt (rerouteAttempts + 1)",
    "type": "Hidden",
    "value": "rerouteAttempts",
    "binding": {"type": "camunda:outputParameter", "source": "${rerouteAttempts + 1}"},
}

P = "io.flexorchestrator.twilio."
lifecycle = [
    template(P + "load-conversation-context", "Twilio Flex: Load conversation context", "loadConversationContext",
             "Reads the conversation and its participants and sets the routing inputs (channelType, proxyAddress, "
             "customerLanguage, customerTier, knownWorkerSid, withinBusinessHours, longLived, ...). "
             "Throws CONVERSATION_CLOSED when the conversation is closed or gone.",
             ["conversation", "context", "routing inputs"]),
    template(P + "set-close-timers", "Twilio Flex: Set close timers", "setCloseTimers",
             "Sets the conversation's inactive/closed timers for its channel (orchestrator.routing.channels.*), "
             "so an abandoned conversation closes by itself. Throws CONVERSATION_CLOSED.",
             ["timers", "inactive", "closed"]),
    template(P + "send-message", "Twilio Flex: Send message", "sendMessage",
             "Sends one of the configured customer texts to the conversation (once, even when retried). "
             "The text itself is configured per deployment under orchestrator.messages.texts; an empty text sends nothing.",
             ["message", "greeting", "reply", "text"],
             extra=[{
                 "label": "Message",
                 "description": "Which configured text to send to the customer.",
                 "type": "Dropdown",
                 "value": "greeting",
                 "choices": [{"name": n, "value": v} for n, v in MESSAGE_KEYS],
                 "binding": {"type": "camunda:inputParameter", "name": "messageKey"},
                 "constraints": {"notEmpty": True},
             }]),
    template(P + "create-interaction", "Twilio Flex: Create interaction", "createInteraction",
             "Creates the Flex interaction (Interactions API: TaskRouter task + interaction channel) with the routing "
             "decided by the routing DMN (workflowSid, taskChannel, routingPriority, routingTimeout, extraTaskAttributes). "
             "Writes interactionSid and channelSid. Throws CONVERSATION_CLOSED.",
             ["interaction", "route", "task", "flex"]),
    template(P + "close-interaction-channel", "Twilio Flex: Close interaction channel", "closeInteractionChannel",
             "Closes the interaction channel through the Interaction Channels subresource (inactive with routing "
             "closed for long-lived channels). The only supported way to end a Flex Conversations task.",
             ["close", "channel", "interaction", "end"]),
    template(P + "invite-to-workflow", "Twilio Flex: Invite to fallback workflow", "inviteToWorkflow",
             "Invites the interaction channel to the fallback workflow (rerouteWorkflowSid) with the original task "
             "attributes, and counts the attempt in rerouteAttempts.",
             ["invite", "reroute", "fallback", "workflow"],
             extra=[REROUTE_COUNTER]),
    template(P + "create-task", "Twilio Flex: Create task", "createTask",
             "taskrouter mode: creates the TaskRouter task (Task API) in the workflow and task channel decided by "
             "the routing DMN. Writes routedTaskSid. Throws CONVERSATION_CLOSED.",
             ["task", "taskrouter", "route"]),
    template(P + "create-task-in-workflow", "Twilio Flex: Create task in fallback workflow", "createTask",
             "taskrouter mode: re-routes as a NEW TaskRouter task in the given workflow and counts the attempt in "
             "rerouteAttempts. Writes routedTaskSid.",
             ["task", "taskrouter", "reroute", "fallback", "workflow"],
             extra=[{
                 "label": "Workflow",
                 "description": "The TaskRouter workflow of the new task: a workflow SID (WW followed by 32 hex digits) "
                                "or an expression such as ${rerouteWorkflowSid} (the configured fallback workflow).",
                 "type": "String",
                 "value": "${rerouteWorkflowSid}",
                 "binding": {"type": "camunda:inputParameter", "name": "targetWorkflowSid"},
                 "constraints": {
                     "notEmpty": True,
                     "pattern": {
                         "value": "^(WW[0-9a-fA-F]{32}|\\$\\{[^}]+\\})$",
                         "message": "Must be a workflow SID (WW + 32 hex digits) or an expression like ${rerouteWorkflowSid}.",
                     },
                 },
             }, REROUTE_COUNTER]),
    template(P + "add-agent-to-conversation", "Twilio Flex: Add agent to conversation", "addAgentToConversation",
             "taskrouter mode: adds the accepting worker (workerSid) to the conversation with the chat service's "
             "'agent' role. Writes agentIdentity.",
             ["agent", "participant", "join", "taskrouter"]),
    template(P + "remove-agent-from-conversation", "Twilio Flex: Remove agent from conversation", "removeAgentFromConversation",
             "taskrouter mode: removes the agent's participant (agentIdentity) from the conversation.",
             ["agent", "participant", "leave", "wrapup", "taskrouter"]),
    template(P + "close-conversation", "Twilio Flex: Close conversation", "closeConversation",
             "taskrouter mode: sets the conversation closed (inactive when long-lived).",
             ["close", "conversation", "end", "taskrouter"]),
    template(P + "cancel-task", "Twilio Flex: Cancel open task", "cancelTask",
             "taskrouter mode only: the conversation closed while the followed task (routedTaskSid) was open: "
             "cancels it (pending/reserved) or completes it (assigned/wrapping).",
             ["cancel", "task", "taskrouter"]),
]

O = "io.flexorchestrator.operations."
operations = [
    template(O + "close-transferring-agent", "Twilio Flex: Close transferring agent", "closeTransferringAgent",
             "Cold transfer, after the target accepted: closes the transferring agent's interaction channel participant "
             "(the agent participant of interactionSid/channelSid whose routing task_sid is transferringTaskSid); Flex "
             "completes that agent's task and removes the agent. Writes transferringAgentClosed (false when no such "
             "participant). Closing an already closed participant changes nothing.",
             ["transfer", "cold", "agent", "participant", "close"]),
    template(O + "release-unattended-interaction", "Twilio Flex: Release unattended interaction",
             "releaseUnattendedInteraction",
             "No Twilio call. A transfer's invite failed or expired: if the last agent left meanwhile (the lifecycle "
             "holds back their task's completion, agentLeftTaskSid) and no other invite of the conversation is pending, "
             "hands that completion to the interaction-lifecycle (TaskCompleted), which closes the interaction channel: "
             "only the customer is left, no orphan. Otherwise nothing. Writes interactionReleased.",
             ["transfer", "invite", "orphan", "release", "last agent"]),
    template(O + "park-interaction-channel", "Twilio Flex: Park interaction channel", "parkInteractionChannel",
             "Park: sets the interaction channel (interactionSid, channelSid) inactive with routing closed, so the "
             "agent's task completes while the conversation stays open. Writes parkedAt. Repeated on a parked channel, "
             "nothing changes.",
             ["park", "channel", "interaction", "inactive"]),
    template(O + "create-park-webhook", "Twilio Flex: Create park webhook", "createParkWebhook",
             "Park: adds a conversation-scoped webhook (filter onMessageAdded, url = this app's /webhooks/conversations) "
             "to the conversation (conversationSid) so the customer's next message resumes the parked interaction; an "
             "existing webhook with that url is reused. Writes parkWebhookSid. Throws CONVERSATION_CLOSED when the "
             "conversation is closed or gone.",
             ["park", "webhook", "conversation", "resume"]),
    template(O + "delete-park-webhook", "Twilio Flex: Delete park webhook", "deleteParkWebhook",
             "Resume, park expired or interaction ended: removes the park's conversation-scoped webhook (parkWebhookSid "
             "on conversationSid). No webhook, already gone, or the conversation closed or gone, = done.",
             ["park", "webhook", "resume", "unpark", "expired"]),
    template(O + "send-resume-template", "Twilio Flex: Send resume template", "sendResumeTemplate",
             "Unpark with a template: sends the pre-approved template of the unpark request (resumeContentSid, "
             "resumeContentVariables) to the conversation before the worker is re-invited: what WhatsApp allows outside "
             "the 24-hour customer window. Sent once per park (parkId), even when retried. Writes "
             "resumeTemplateMessageSid. Throws CONVERSATION_CLOSED.",
             ["park", "unpark", "resume", "template", "whatsapp", "window"]),
    template(O + "reinvite-parked-worker", "Twilio Flex: Re-invite parked worker", "reinviteParkedWorker",
             "Resume: creates an Invite on the parked interaction channel (interactionSid, channelSid), routed to the "
             "worker who parked it (parkedWorkerSid, known-agent routing) with the parked task's attributes "
             "(parkedTaskSid) plus orchestratorParkId (parkId); a retry reuses the invite already made for that park. "
             "Routed to resumeWorkerSid instead when set (an outbound request that reuses the parked conversation). "
             "Writes resumeInviteSid. Throws CONVERSATION_CLOSED when the channel or conversation closed meanwhile.",
             ["park", "resume", "unpark", "invite", "worker"]),
]

C = "io.flexorchestrator.checkup."
checkup = [
    template(C + "sweep-conversations", "Twilio Flex: Checkup - sweep conversations page", "checkupSweepConversations",
             "One page of the Flex Chat Service's conversations: routes or closes orphans (orchestrator.checkup.orphan-policy) "
             "and sets missing close timers. Sets moreConversations.",
             ["checkup", "janitor", "orphan"]),
    template(C + "reconcile-lifecycles", "Twilio Flex: Checkup - reconcile lifecycles page", "checkupReconcileLifecycles",
             "One page of running lifecycles: replays TaskRouter endings the app missed. Sets moreLifecycles.",
             ["checkup", "janitor", "reconcile"]),
    template(C + "close-stale-channels", "Twilio Flex: Checkup - close stale interaction channels", "checkupCloseStaleChannels",
             "Closes interaction channels left active after their lifecycle ended.",
             ["checkup", "janitor", "channel"]),
    template(C + "publish-report", "Twilio Flex: Checkup - publish report", "checkupPublishReport",
             "No Twilio call: sets the report's summary and logs it (runs in the same transaction as the step before).",
             ["checkup", "report"], async_before=False),
]

# output folder: first argument, else element-templates/ next to this script (processes/.camunda/element-templates)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "element-templates")
os.makedirs(OUT, exist_ok=True)
for name, templates in [("twilio-flex-lifecycle.json", lifecycle), ("twilio-flex-operations.json", operations),
                        ("twilio-flex-checkup.json", checkup)]:
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(templates, f, indent=2, ensure_ascii=False)
        f.write("\n")
