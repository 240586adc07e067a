# Adds camunda:modelerTemplate/-Version to every delegate service task of processes/*.bpmn (only those attributes, nothing else).
# Rerun from the repo root after gen-templates.py: python3 processes/.camunda/annotate-bpmn.py [file.bpmn ...] (default: all processes/*.bpmn)
import glob, json, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
P = "io.flexorchestrator.twilio."; O = "io.flexorchestrator.operations."; C = "io.flexorchestrator.checkup."
ids = {"loadConversationContext": P+"load-conversation-context", "setCloseTimers": P+"set-close-timers",
  "sendMessage": P+"send-message", "createInteraction": P+"create-interaction",
  "closeInteractionChannel": P+"close-interaction-channel", "inviteToWorkflow": P+"invite-to-workflow",
  "createTask": P+"create-task", "addAgentToConversation": P+"add-agent-to-conversation",
  "removeAgentFromConversation": P+"remove-agent-from-conversation", "closeConversation": P+"close-conversation",
  "cancelTask": P+"cancel-task",
  "closeTransferringAgent": O+"close-transferring-agent", "parkInteractionChannel": O+"park-interaction-channel",
  "createParkWebhook": O+"create-park-webhook", "deleteParkWebhook": O+"delete-park-webhook",
  "reinviteParkedWorker": O+"reinvite-parked-worker",
  "releaseUnattendedInteraction": O+"release-unattended-interaction",
  "sendResumeTemplate": O+"send-resume-template",
  "checkupSweepConversations": C+"sweep-conversations",
  "checkupReconcileLifecycles": C+"reconcile-lifecycles", "checkupCloseStaleChannels": C+"close-stale-channels",
  "checkupPublishReport": C+"publish-report"}
# template id -> version, from the generated templates (element-templates/ next to this script, or $TEMPLATES)
versions = {}
for f in glob.glob(os.path.join(os.environ.get("TEMPLATES", os.path.join(HERE, "element-templates")), "*.json")):
    data = json.load(open(f))
    for t in data if isinstance(data, list) else [data]:
        versions[t["id"]] = max(versions.get(t["id"], 0), t.get("version", 0))
paths = sys.argv[1:] or sorted(glob.glob(os.path.join(HERE, "..", "*.bpmn")))
TAG = re.compile(r'<bpmn:serviceTask\b(?:[^>"]|"[^"]*")*>')  # attribute values may contain '>'
failed = False
for path in paths:
    text = open(path, encoding="utf-8").read()
    out, pos, n = [], 0, 0
    for m in TAG.finditer(text):
        tag = m.group(0)
        d = re.search(r'camunda:delegateExpression="\$\{(\w+)\}"', tag)
        if not d or 'camunda:modelerTemplate=' in tag:
            continue
        bean = d.group(1)
        if bean not in ids:
            print(f"{path}: no template id for bean {bean}: add it to gen-templates.py and to ids here", file=sys.stderr)
            failed = True
            continue
        selfclosing = tag.endswith("/>")
        body = "" if selfclosing else text[m.end():text.find('</bpmn:serviceTask>', m.end())]
        tid = ids[bean]
        if bean == "createTask" and 'name="targetWorkflowSid"' in body:
            tid = P + "create-task-in-workflow"
        if tid not in versions:
            print(f"{path}: template {tid} not generated (run gen-templates.py first)", file=sys.stderr)
            failed = True
            continue
        head = tag[:-2].rstrip() if selfclosing else tag[:-1]
        new = head + f' camunda:modelerTemplate="{tid}" camunda:modelerTemplateVersion="{versions[tid]}"' + ("/>" if selfclosing else ">")
        out.append(text[pos:m.start()]); out.append(new); pos = m.end(); n += 1
    out.append(text[pos:])
    if n:
        open(path, "w", encoding="utf-8").write("".join(out))
    print(path, n, "tasks annotated")
sys.exit(1 if failed else 0)
