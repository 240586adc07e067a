package io.flexorchestrator.security;

import jakarta.annotation.PostConstruct;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Brings the accounts to what the environment says, at every start, before the server accepts a
 * request: the operator group (granted everything) and the viewer group (read-only Cockpit) exist
 * with their authorizations; the admin from {@code CAMUNDA_BPM_ADMINUSER_ID} exists, has the
 * password of {@code CAMUNDA_BPM_ADMINUSER_PASSWORD} (Camunda's starter only creates a missing
 * user, so a changed password never took effect), is a member of the operator group and of
 * {@code camunda-admin}, and is unlocked (the break-glass: a restart always lets the admin in).
 * Idempotent and safe when several nodes start at once (a lost race is checked again).
 */
@Component
public class OperatorAccounts {

  private static final Logger log = LoggerFactory.getLogger(OperatorAccounts.class);

  /** What a read-only Cockpit user is granted (README "Operations"). */
  static final Map<Resource, List<Permission>> VIEWER_GRANTS = Map.of(
      Resources.APPLICATION, List.of(Permissions.ACCESS),
      Resources.PROCESS_DEFINITION, List.of(Permissions.READ, Permissions.READ_INSTANCE,
          Permissions.READ_HISTORY),
      Resources.PROCESS_INSTANCE, List.of(Permissions.READ),
      Resources.DECISION_DEFINITION, List.of(Permissions.READ, Permissions.READ_HISTORY),
      Resources.DECISION_REQUIREMENTS_DEFINITION, List.of(Permissions.READ),
      Resources.DEPLOYMENT, List.of(Permissions.READ));

  private final IdentityService identity;
  private final AuthorizationService authorizations;
  private final SecurityProperties properties;
  private final Environment env;

  public OperatorAccounts(IdentityService identity, AuthorizationService authorizations,
      SecurityProperties properties, Environment env) {
    this.identity = identity;
    this.authorizations = authorizations;
    this.properties = properties;
    this.env = env;
  }

  @PostConstruct
  public void apply() {
    identity.clearAuthentication();
    String operators = properties.operatorGroup();
    ensure(() -> group(operators, "Flex operators"));
    ensure(() -> group(Groups.CAMUNDA_ADMIN, "camunda BPM Administrators"));
    for (Resource resource : Resources.values()) {
      ensure(() -> grant(operators, resource, Authorization.ANY, List.of(Permissions.ALL)));
      ensure(() -> grant(Groups.CAMUNDA_ADMIN, resource, Authorization.ANY, List.of(Permissions.ALL)));
    }
    String viewers = properties.viewerGroup();
    if (viewers != null && !viewers.isBlank()) {
      ensure(() -> group(viewers, "Flex viewers (read-only Cockpit)"));
      VIEWER_GRANTS.forEach((resource, permissions) -> ensure(() -> grant(viewers, resource,
          resource == Resources.APPLICATION ? "cockpit" : Authorization.ANY, permissions)));
    }
    String adminId = env.getProperty("camunda.bpm.admin-user.id");
    String password = env.getProperty("camunda.bpm.admin-user.password");
    if (adminId == null || adminId.isBlank() || password == null) {
      return;
    }
    ensure(() -> admin(adminId, password));
    ensure(() -> member(adminId, operators));
    ensure(() -> member(adminId, Groups.CAMUNDA_ADMIN));
    identity.unlockUser(adminId);
    log.info("Operator account {} is a member of {} and {}; its password is the environment's",
        adminId, operators, Groups.CAMUNDA_ADMIN);
  }

  private boolean group(String id, String name) {
    if (identity.createGroupQuery().groupId(id).count() > 0) {
      return false;
    }
    Group group = identity.newGroup(id);
    group.setName(name);
    group.setType(Groups.GROUP_TYPE_SYSTEM);
    identity.saveGroup(group);
    return true;
  }

  private boolean grant(String group, Resource resource, String resourceId, List<Permission> permissions) {
    if (authorizations.createAuthorizationQuery().groupIdIn(group).resourceType(resource)
        .resourceId(resourceId).count() > 0) {
      return false; // present: an administrator may have tuned it
    }
    Authorization grant = authorizations.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
    grant.setGroupId(group);
    grant.setResource(resource);
    grant.setResourceId(resourceId);
    permissions.forEach(grant::addPermission);
    authorizations.saveAuthorization(grant);
    return true;
  }

  private boolean admin(String id, String password) {
    // checked first: a wrong password updates the user's row (failed attempts), so the user is
    // read after it, with its current revision
    if (identity.createUserQuery().userId(id).count() > 0 && identity.checkPassword(id, password)) {
      return false;
    }
    User user = identity.createUserQuery().userId(id).singleResult();
    boolean created = user == null;
    if (created) {
      user = identity.newUser(id);
      user.setFirstName(id);
      user.setLastName("");
    }
    user.setPassword(password);
    identity.saveUser(user);
    log.info(created ? "Operator account {} created" : "Operator account {}: password set from"
        + " the environment", id);
    return true;
  }

  private boolean member(String userId, String groupId) {
    if (identity.createUserQuery().userId(userId).memberOfGroup(groupId).count() > 0) {
      return false;
    }
    identity.createMembership(userId, groupId);
    return true;
  }

  /** Runs a step; when another node did the same at the same moment, the second try finds it done. */
  private static void ensure(Supplier<Boolean> step) {
    try {
      step.get();
    } catch (RuntimeException raced) {
      try {
        step.get();
      } catch (RuntimeException again) {
        again.addSuppressed(raced);
        throw again;
      }
    }
  }
}
