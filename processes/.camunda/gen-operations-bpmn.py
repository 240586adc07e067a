#!/usr/bin/env python3
"""Generates processes/transfer-interaction.bpmn and processes/park-interaction.bpmn with full DI.

Rerun from the repo root after changing the two operation models here, then annotate the templates:
  python3 processes/.camunda/gen-operations-bpmn.py && python3 processes/.camunda/annotate-bpmn.py
(An optional argument writes to another directory.) Editing the files in the Modeler instead is fine
too; keep the ids and port the change back here.
"""
import os
import sys
from xml.sax.saxutils import escape

SIZES = {'start': (36, 36), 'msgstart': (36, 36), 'end': (36, 36), 'catch': (36, 36), 'timer': (36, 36),
         'task': (100, 80), 'xor': (50, 50), 'evgw': (50, 50)}


def gen(pid, name, doc, nodes, flows, messages, boundaries=(), event_subprocesses=()):
    """nodes: (id, kind, name, x, y, extra), x/y = centre; flows: (id, source, target[, name[, condition[,
    waypoints]]]); boundaries: (id, name, attachedTo, errorRef, x, y); event_subprocesses: (id, name, doc,
    x, y, width, height, nodes, flows) - expanded, triggered by an event (x/y = top left corner)."""
    out = []
    a = out.append
    a('<?xml version="1.0" encoding="UTF-8"?>')
    a('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="definitions-%s" targetNamespace="http://flexorchestrator.io/bpmn" exporter="flex-orchestrator" exporterVersion="1.0" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.24.0">' % pid)
    # agent operations run before new conversations' first steps (lifecycle priorities 10..50)
    a('  <bpmn:process id="%s" name="%s" isExecutable="true" camunda:historyTimeToLive="P30D" camunda:jobPriority="50">' % (pid, name))
    a('    <bpmn:documentation>%s</bpmn:documentation>' % escape(doc))
    all_flows = list(flows) + [f for sp in event_subprocesses for f in sp[8]]
    inc = {}; outg = {}
    for f in all_flows:
        outg.setdefault(f[1], []).append(f[0]); inc.setdefault(f[2], []).append(f[0])
    pos = {}
    sub_bounds = {}

    def io(nid, ind):
        s = ''
        for f in inc.get(nid, []): s += '%s<bpmn:incoming>%s</bpmn:incoming>\n' % (ind, f)
        for f in outg.get(nid, []): s += '%s<bpmn:outgoing>%s</bpmn:outgoing>\n' % (ind, f)
        return s

    def emit_nodes(node_list, ind):
        i2 = ind + '  '
        i3 = i2 + '  '
        for (nid, kind, nname, x, y, extra) in node_list:
            pos[nid] = (kind, x, y)
            if kind == 'start':
                a('%s<bpmn:startEvent id="%s" name="%s">\n%s%s</bpmn:startEvent>' % (ind, nid, nname, io(nid, i2), ind))
            elif kind == 'msgstart':
                a('%s<bpmn:startEvent id="%s" name="%s" isInterrupting="true">\n%s%s<bpmn:messageEventDefinition id="%s-def" messageRef="%s" />\n%s</bpmn:startEvent>' % (ind, nid, nname, io(nid, i2), i2, nid, extra, ind))
            elif kind == 'end':
                a('%s<bpmn:endEvent id="%s" name="%s">\n%s<bpmn:extensionElements>\n%s<camunda:executionListener event="start" expression="${execution.setVariable(\'outcome\', \'%s\')}" />\n%s</bpmn:extensionElements>\n%s%s</bpmn:endEvent>' % (ind, nid, nname, i2, i3, extra, i2, io(nid, i2), ind))
            elif kind == 'catch':
                a('%s<bpmn:intermediateCatchEvent id="%s" name="%s">\n%s%s<bpmn:messageEventDefinition id="%s-def" messageRef="%s" />\n%s</bpmn:intermediateCatchEvent>' % (ind, nid, nname, io(nid, i2), i2, nid, extra, ind))
            elif kind == 'timer':
                a('%s<bpmn:intermediateCatchEvent id="%s" name="%s">\n%s%s<bpmn:timerEventDefinition id="%s-def">\n%s<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">%s</bpmn:timeDuration>\n%s</bpmn:timerEventDefinition>\n%s</bpmn:intermediateCatchEvent>' % (ind, nid, nname, io(nid, i2), i2, nid, i3, extra, i2, ind))
            elif kind == 'task':
                bean, params = extra
                ps = ''
                if params:
                    ps = i3 + '<camunda:inputOutput>\n' + ''.join('%s  <camunda:inputParameter name="%s">%s</camunda:inputParameter>\n' % (i3, k, v) for k, v in params) + i3 + '</camunda:inputOutput>\n'
                a('%s<bpmn:serviceTask id="%s" name="%s" camunda:asyncBefore="true" camunda:delegateExpression="${%s}">\n%s<bpmn:extensionElements>\n%s<camunda:failedJobRetryTimeCycle>${retryCycle}</camunda:failedJobRetryTimeCycle>\n%s%s</bpmn:extensionElements>\n%s%s</bpmn:serviceTask>' % (ind, nid, nname, bean, i2, i3, ps, i2, io(nid, i2), ind))
            elif kind == 'xor':
                a('%s<bpmn:exclusiveGateway id="%s" name="%s">\n%s%s</bpmn:exclusiveGateway>' % (ind, nid, nname, io(nid, i2), ind))
            elif kind == 'evgw':
                a('%s<bpmn:eventBasedGateway id="%s" name="%s">\n%s%s</bpmn:eventBasedGateway>' % (ind, nid, nname, io(nid, i2), ind))

    def emit_flows(flow_list, ind):
        for f in flow_list:
            fid, src, tgt = f[0], f[1], f[2]
            fname = f[3] if len(f) > 3 else None
            cond = f[4] if len(f) > 4 else None
            attrs = ' name="%s"' % escape(fname) if fname else ''
            if cond:
                a('%s<bpmn:sequenceFlow id="%s"%s sourceRef="%s" targetRef="%s">\n%s  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">%s</bpmn:conditionExpression>\n%s</bpmn:sequenceFlow>' % (ind, fid, attrs, src, tgt, ind, escape(cond), ind))
            else:
                a('%s<bpmn:sequenceFlow id="%s"%s sourceRef="%s" targetRef="%s" />' % (ind, fid, attrs, src, tgt))

    emit_nodes(nodes, '    ')
    for (bid, bname, attached, code_ref, x, y) in boundaries:
        pos[bid] = ('catch', x, y)
        a('    <bpmn:boundaryEvent id="%s" name="%s" attachedToRef="%s">\n%s      <bpmn:errorEventDefinition id="%s-def" errorRef="%s" />\n    </bpmn:boundaryEvent>' % (bid, bname, attached, io(bid, '      '), bid, code_ref))
    for (sid, sname, sdoc, sx, sy, sw, sh, snodes, sflows) in event_subprocesses:
        sub_bounds[sid] = (sx, sy, sw, sh)
        a('    <bpmn:subProcess id="%s" name="%s" triggeredByEvent="true">' % (sid, sname))
        a('      <bpmn:documentation>%s</bpmn:documentation>' % escape(sdoc))
        emit_nodes(snodes, '      ')
        emit_flows(sflows, '      ')
        a('    </bpmn:subProcess>')
    emit_flows(flows, '    ')
    a('  </bpmn:process>')
    for (mid, mname) in messages:
        a('  <bpmn:message id="%s" name="%s" />' % (mid, mname))
    a('  <bpmn:error id="error-conversation-closed" name="Conversation closed" errorCode="CONVERSATION_CLOSED" />')
    a('  <bpmndi:BPMNDiagram id="diagram-%s">' % pid)
    a('    <bpmndi:BPMNPlane id="plane-%s" bpmnElement="%s">' % (pid, pid))
    for sid, (sx, sy, sw, sh) in sub_bounds.items():
        a('      <bpmndi:BPMNShape id="%s-di" bpmnElement="%s" isExpanded="true">' % (sid, sid))
        a('        <dc:Bounds x="%d" y="%d" width="%d" height="%d" />' % (sx, sy, sw, sh))
        a('      </bpmndi:BPMNShape>')
    for nid, (kind, x, y) in pos.items():
        w, h = SIZES[kind]
        ex = ' isMarkerVisible="true"' if kind == 'xor' else ''
        a('      <bpmndi:BPMNShape id="%s-di" bpmnElement="%s"%s>' % (nid, nid, ex))
        a('        <dc:Bounds x="%d" y="%d" width="%d" height="%d" />' % (x - w // 2, y - h // 2, w, h))
        if kind != 'task':
            a('        <bpmndi:BPMNLabel>\n          <dc:Bounds x="%d" y="%d" width="100" height="27" />\n        </bpmndi:BPMNLabel>' % (x - 50, y + h // 2 + 5))
        a('      </bpmndi:BPMNShape>')

    def edge_pt(nid, side):
        kind, x, y = pos[nid]; w, h = SIZES[kind]
        return {'r': (x + w // 2, y), 'l': (x - w // 2, y), 't': (x, y - h // 2), 'b': (x, y + h // 2)}[side]
    for f in all_flows:
        fid, src, tgt = f[0], f[1], f[2]
        _, sx, sy = pos[src]; _, tx, ty = pos[tgt]
        if len(f) > 5 and f[5]:
            pts = f[5]
        elif abs(sy - ty) < 2:
            pts = [edge_pt(src, 'r' if tx > sx else 'l'), edge_pt(tgt, 'l' if tx > sx else 'r')]
        elif tx > sx:
            s = edge_pt(src, 'b' if ty > sy else 't')
            e = edge_pt(tgt, 'l')
            pts = [s, (s[0], e[1]), e]
        else:
            s = edge_pt(src, 'r')
            e = edge_pt(tgt, 'b' if ty < sy else 't')
            pts = [s, (e[0], s[1]), e]
        a('      <bpmndi:BPMNEdge id="%s-di" bpmnElement="%s">' % (fid, fid))
        for (px, py) in pts:
            a('        <di:waypoint x="%d" y="%d" />' % (px, py))
        if len(f) > 3 and f[3]:
            mx, my = pts[len(pts) // 2 - (0 if len(pts) % 2 else 1)]
            a('        <bpmndi:BPMNLabel>\n          <dc:Bounds x="%d" y="%d" width="60" height="14" />\n        </bpmndi:BPMNLabel>' % (mx + 5, my - 18))
        a('      </bpmndi:BPMNEdge>')
    a('    </bpmndi:BPMNPlane>')
    a('  </bpmndi:BPMNDiagram>')
    a('</bpmn:definitions>')
    return '\n'.join(out) + '\n'

transfer = gen('transfer-interaction', 'Transfer interaction',
  'One instance per transfer (several may be pending at once); business key = conversation SID (CH...). Started by POST /api/interactions/{CH}/transfers after the invite is created (Invites subresource); the invite task\'s reservation.accepted is correlated as TransferAccepted, its task.canceled / workflow.timeout as TransferFailed (agentLeft: the last agent left meanwhile, then Release unattended interaction closes the channel through the lifecycle once no invite is pending); InteractionEnded ends it when the conversation or its lifecycle ends. Variables and names: docs/design.md, Agent operations.',
  [('start-transfer-requested', 'start', 'Transfer requested', 160, 200, None),
   ('gateway-wait-for-target', 'evgw', 'Wait for the target', 260, 200, None),
   ('catch-transfer-accepted', 'catch', 'Transfer accepted', 370, 200, 'message-transfer-accepted'),
   ('gateway-cold-transfer', 'xor', 'Cold transfer?', 470, 200, None),
   ('task-close-transferring-agent', 'task', 'Close transferring agent', 600, 200, ('closeTransferringAgent', [])),
   ('end-transfer-completed-cold', 'end', 'Customer handed over', 740, 200, 'transferred'),
   ('end-agent-added-warm', 'end', 'Agent added', 740, 300, 'agent-added'),
   ('catch-transfer-failed', 'catch', 'Transfer failed', 370, 420, 'message-transfer-failed'),
   ('gateway-agent-still-on-interaction', 'xor', 'Agent still on the interaction?', 470, 420, None),
   ('task-send-transfer-failed-message', 'task', 'Send transfer failed message', 600, 420, ('sendMessage', [('messageKey', 'transfer-failed')])),
   ('end-transfer-failed', 'end', 'Original agent keeps the customer', 740, 420, 'transfer-failed'),
   ('task-release-unattended-interaction', 'task', 'Release unattended interaction', 600, 530, ('releaseUnattendedInteraction', [])),
   ('end-transfer-failed-no-agent', 'end', 'Transfer failed, no agent left', 740, 530, 'transfer-failed-no-agent'),
   ('timer-transfer-expired', 'timer', 'Transfer expired', 370, 650, '${transferTimeout}'),
   ('task-release-unattended-interaction-expired', 'task', 'Release unattended interaction', 600, 650, ('releaseUnattendedInteraction', [])),
   ('end-transfer-expired', 'end', 'Transfer expired', 740, 650, 'transfer-expired')],
  [('flow-start-to-wait-for-target', 'start-transfer-requested', 'gateway-wait-for-target'),
   ('flow-wait-to-accepted', 'gateway-wait-for-target', 'catch-transfer-accepted'),
   ('flow-wait-to-failed', 'gateway-wait-for-target', 'catch-transfer-failed'),
   ('flow-wait-to-expired', 'gateway-wait-for-target', 'timer-transfer-expired'),
   ('flow-accepted-to-cold-transfer', 'catch-transfer-accepted', 'gateway-cold-transfer'),
   ('flow-cold-transfer-yes', 'gateway-cold-transfer', 'task-close-transferring-agent', 'cold', "${transferMode == 'cold'}"),
   ('flow-cold-transfer-no', 'gateway-cold-transfer', 'end-agent-added-warm', 'warm', "${transferMode != 'cold'}"),
   ('flow-close-agent-to-end', 'task-close-transferring-agent', 'end-transfer-completed-cold'),
   ('flow-failed-to-agent-check', 'catch-transfer-failed', 'gateway-agent-still-on-interaction'),
   ('flow-agent-still-on-yes', 'gateway-agent-still-on-interaction', 'task-send-transfer-failed-message', 'yes', '${!agentLeft}'),
   ('flow-agent-still-on-no', 'gateway-agent-still-on-interaction', 'task-release-unattended-interaction', 'no', '${agentLeft}'),
   ('flow-message-to-end-failed', 'task-send-transfer-failed-message', 'end-transfer-failed'),
   ('flow-release-to-end-no-agent', 'task-release-unattended-interaction', 'end-transfer-failed-no-agent'),
   ('flow-expired-to-release', 'timer-transfer-expired', 'task-release-unattended-interaction-expired'),
   ('flow-release-expired-to-end', 'task-release-unattended-interaction-expired', 'end-transfer-expired')],
  [('message-transfer-accepted', 'TransferAccepted'), ('message-transfer-failed', 'TransferFailed'),
   ('message-interaction-ended', 'InteractionEnded')],
  event_subprocesses=[
   ('subprocess-interaction-ended', 'End transfer with the interaction',
    'The conversation closed or was removed, or its interaction-lifecycle instance ended: the transfer ends at once, whatever it waits for (InteractionEnded, correlated to every instance of the conversation by business key).',
    300, 730, 300, 120,
    [('start-interaction-ended', 'msgstart', 'Interaction ended', 370, 790, 'message-interaction-ended'),
     ('end-transfer-interaction-ended', 'end', 'Transfer ended with the interaction', 520, 790, 'interaction-ended')],
    [('flow-interaction-ended-to-end', 'start-interaction-ended', 'end-transfer-interaction-ended')])])

park = gen('park-interaction', 'Park interaction',
  'One instance per park; business key = conversation SID (CH...). Started by POST /api/interactions/{CH}/park; resumed by POST .../unpark (UnparkRequested, optionally with a template to send first: WhatsApp outside the 24-hour customer window) or by the customer\'s next message, brought by the conversation-scoped webhook (ParkedCustomerMessage); then an Invite back to the worker who parked it. InteractionEnded ends it when the conversation or its lifecycle ends. Variables and names: docs/design.md, Agent operations.',
  [('start-park-requested', 'start', 'Park requested', 160, 200, None),
   ('task-park-interaction-channel', 'task', 'Park interaction channel', 270, 200, ('parkInteractionChannel', [])),
   ('task-create-park-webhook', 'task', 'Create park webhook', 420, 200, ('createParkWebhook', [])),
   ('gateway-wait-for-resume', 'evgw', 'Wait for resume', 550, 200, None),
   ('catch-unpark-requested', 'catch', 'Unpark requested', 650, 200, 'message-unpark-requested'),
   ('gateway-resume-template', 'xor', 'Template to send?', 750, 200, None),
   ('task-send-resume-template', 'task', 'Send resume template', 880, 200, ('sendResumeTemplate', [])),
   ('end-template-conversation-closed', 'end', 'Conversation closed', 900, 320, 'conversation-closed'),
   ('catch-customer-message', 'catch', 'Customer wrote', 650, 400, 'message-parked-customer-message'),
   ('gateway-resume', 'xor', 'Resume', 1010, 200, None),
   ('task-delete-park-webhook', 'task', 'Delete park webhook', 1130, 200, ('deleteParkWebhook', [])),
   ('task-reinvite-parked-worker', 'task', 'Re-invite parked worker', 1280, 200, ('reinviteParkedWorker', [])),
   ('end-interaction-resumed', 'end', 'Interaction resumed', 1420, 200, 'resumed'),
   ('end-resume-conversation-closed', 'end', 'Conversation closed', 1420, 330, 'conversation-closed'),
   ('end-park-conversation-closed', 'end', 'Conversation closed', 440, 340, 'conversation-closed-while-parking'),
   ('timer-park-expired', 'timer', 'Park expired', 650, 480, '${parkTimeout}'),
   ('task-delete-park-webhook-expired', 'task', 'Delete park webhook', 880, 480, ('deleteParkWebhook', [])),
   ('end-park-expired', 'end', 'Park expired', 1010, 480, 'park-expired')],
  [('flow-start-to-park-channel', 'start-park-requested', 'task-park-interaction-channel'),
   ('flow-park-channel-to-webhook', 'task-park-interaction-channel', 'task-create-park-webhook'),
   ('flow-webhook-to-wait', 'task-create-park-webhook', 'gateway-wait-for-resume'),
   ('flow-wait-to-unpark', 'gateway-wait-for-resume', 'catch-unpark-requested'),
   ('flow-wait-to-customer-message', 'gateway-wait-for-resume', 'catch-customer-message'),
   ('flow-wait-to-expired', 'gateway-wait-for-resume', 'timer-park-expired'),
   ('flow-unpark-to-template', 'catch-unpark-requested', 'gateway-resume-template'),
   ('flow-template-yes', 'gateway-resume-template', 'task-send-resume-template', 'yes', "${execution.getVariable('resumeContentSid') != null}"),
   ('flow-template-no', 'gateway-resume-template', 'gateway-resume', 'no', "${execution.getVariable('resumeContentSid') == null}", [(750, 175), (750, 110), (1010, 110), (1010, 175)]),
   ('flow-template-to-resume', 'task-send-resume-template', 'gateway-resume'),
   ('flow-template-closed-to-end', 'boundary-template-conversation-closed', 'end-template-conversation-closed', None, None, [(900, 258), (900, 302)]),
   ('flow-customer-message-to-resume', 'catch-customer-message', 'gateway-resume', None, None, [(668, 400), (1010, 400), (1010, 225)]),
   ('flow-resume-to-delete-webhook', 'gateway-resume', 'task-delete-park-webhook'),
   ('flow-delete-webhook-to-reinvite', 'task-delete-park-webhook', 'task-reinvite-parked-worker'),
   ('flow-reinvite-to-end', 'task-reinvite-parked-worker', 'end-interaction-resumed'),
   ('flow-reinvite-closed-to-end', 'boundary-reinvite-conversation-closed', 'end-resume-conversation-closed'),
   ('flow-webhook-closed-to-end', 'boundary-webhook-conversation-closed', 'end-park-conversation-closed', None, None, [(440, 258), (440, 322)]),
   ('flow-expired-to-delete-webhook', 'timer-park-expired', 'task-delete-park-webhook-expired'),
   ('flow-delete-webhook-expired-to-end', 'task-delete-park-webhook-expired', 'end-park-expired')],
  [('message-unpark-requested', 'UnparkRequested'), ('message-parked-customer-message', 'ParkedCustomerMessage'),
   ('message-interaction-ended', 'InteractionEnded')],
  [('boundary-reinvite-conversation-closed', 'Conversation closed', 'task-reinvite-parked-worker', 'error-conversation-closed', 1300, 240),
   ('boundary-webhook-conversation-closed', 'Conversation closed', 'task-create-park-webhook', 'error-conversation-closed', 440, 240),
   ('boundary-template-conversation-closed', 'Conversation closed', 'task-send-resume-template', 'error-conversation-closed', 900, 240)],
  [('subprocess-park-interaction-ended', 'End park with the interaction',
    'The conversation closed or was removed, or its interaction-lifecycle instance ended: the park ends at once, whatever it waits for (InteractionEnded, correlated to every instance of the conversation by business key); its scoped webhook is removed (gone already = done).',
    600, 570, 480, 130,
    [('start-park-interaction-ended', 'msgstart', 'Interaction ended', 660, 635, 'message-interaction-ended'),
     ('task-delete-park-webhook-interaction-ended', 'task', 'Delete park webhook', 820, 635, ('deleteParkWebhook', [])),
     ('end-park-interaction-ended', 'end', 'Park ended with the interaction', 990, 635, 'interaction-ended')],
    [('flow-park-interaction-ended-to-delete-webhook', 'start-park-interaction-ended', 'task-delete-park-webhook-interaction-ended'),
     ('flow-park-delete-webhook-to-end', 'task-delete-park-webhook-interaction-ended', 'end-park-interaction-ended')])])

base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
open(base + '/transfer-interaction.bpmn', 'w').write(transfer)
open(base + '/park-interaction.bpmn', 'w').write(park)
