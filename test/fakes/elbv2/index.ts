import { randomBytes } from 'node:crypto';
import { AwsFault, startAwsServer, type AwsServer } from '../aws/json-server.js';
import { members, queryProtocol } from './query.js';

/**
 * A local Elastic Load Balancing (v2) endpoint on the Query protocol, API version 2015-12-01, for the real
 * @aws-sdk/client-elastic-load-balancing-v2 through AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: the three
 * reads that find a load balancer from a target group (DescribeTargetGroups, DescribeLoadBalancers,
 * DescribeListeners) and listener rules (DescribeRules, for ECS blue/green's production and test listener rules),
 * with ELBv2's field names and its TargetGroupNotFound / LoadBalancerNotFound / ListenerNotFound / RuleNotFound
 * errors. Tests seed what an account would have.
 */

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const VPC = 'vpc-0123456789abcdef0';
const arn = (resource: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:${resource}`;
const id = () => randomBytes(8).toString('hex');

export type ListenerProtocol = 'HTTP' | 'HTTPS' | 'TCP' | 'TLS' | 'UDP' | 'TCP_UDP';

export interface LoadBalancer {
  LoadBalancerArn: string;
  DNSName: string;
  CanonicalHostedZoneId: string;
  CreatedTime: string;
  LoadBalancerName: string;
  Scheme: 'internet-facing' | 'internal';
  VpcId: string;
  State: { Code: 'active' | 'provisioning' | 'failed' };
  Type: 'application' | 'network';
  IpAddressType: 'ipv4';
}

export interface Listener {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  Protocol: ListenerProtocol;
  Certificates?: { CertificateArn: string }[];
  SslPolicy?: string;
  DefaultActions: { Type: 'forward'; TargetGroupArn: string }[];
}

export interface TargetGroup {
  TargetGroupArn: string;
  TargetGroupName: string;
  Protocol: 'HTTP' | 'TCP';
  Port: number;
  VpcId: string;
  HealthCheckProtocol: 'HTTP' | 'TCP';
  HealthCheckPath?: string;
  TargetType: 'ip';
  LoadBalancerArns: string[];
}

/** A listener rule (API Reference, Rule): a forward action with weighted target groups, and its conditions. */
export interface Rule {
  RuleArn: string;
  Priority: string;
  Conditions: {
    Field: 'path-pattern' | 'host-header';
    Values: string[];
    PathPatternConfig?: { Values: string[] };
    HostHeaderConfig?: { Values: string[] };
  }[];
  Actions: {
    Type: 'forward';
    Order: number;
    ForwardConfig: {
      TargetGroups: { TargetGroupArn: string; Weight: number }[];
      TargetGroupStickinessConfig: { Enabled: boolean };
    };
  }[];
  IsDefault: boolean;
}

/** Where a rule's forward action sends traffic now, asked at each DescribeRules (the local ECS moves it). */
export type RuleWeights = (ruleArn: string) => { TargetGroupArn: string; Weight: number }[] | undefined;

export interface FakeElbv2 extends AwsServer {
  loadBalancers: Map<string, LoadBalancer>;
  listeners: Map<string, Listener>;
  targetGroups: Map<string, TargetGroup>;
  /**
   * Seeds a load balancer (application, or network when a listener is TCP/TLS/UDP) with a target group of the
   * same name that every listener forwards to, as ECS services are put behind one.
   */
  seedLoadBalancer(options: {
    name: string;
    listeners: { protocol: ListenerProtocol; port: number }[];
    scheme?: LoadBalancer['Scheme'];
    /** A DNS name of its own, e.g. 127.0.0.1 for a local load balancer that really answers (the demo's). */
    dnsName?: string;
  }): { loadBalancer: LoadBalancer; targetGroup: TargetGroup };
  /** Seeds a target group that no load balancer uses (yet). */
  seedTargetGroup(name: string): TargetGroup;
  rules: Map<string, Rule>;
  /**
   * Seeds a rule on a listener forwarding to target groups by weight, with a path-pattern condition when given;
   * the rule ARN is the listener's with listener-rule and an id (API Reference, Rule RuleArn).
   */
  seedRule(options: {
    listenerArn: string;
    priority: number;
    targetGroups: { arn: string; weight: number }[];
    pathPattern?: string;
    hostHeader?: string;
  }): Rule;
  /** Set by a test to have DescribeRules show the weights the local ECS moves as it shifts traffic. */
  weights?: RuleWeights;
}

export async function startFakeElbv2(): Promise<FakeElbv2> {
  const loadBalancers = new Map<string, LoadBalancer>();
  const listeners = new Map<string, Listener>();
  const targetGroups = new Map<string, TargetGroup>();

  function seedTargetGroup(name: string, protocol: TargetGroup['Protocol'] = 'HTTP'): TargetGroup {
    const group: TargetGroup = {
      TargetGroupArn: arn(`targetgroup/${name}/${id()}`),
      TargetGroupName: name,
      Protocol: protocol,
      Port: 8080,
      VpcId: VPC,
      HealthCheckProtocol: protocol,
      ...(protocol === 'HTTP' ? { HealthCheckPath: '/' } : {}),
      TargetType: 'ip',
      LoadBalancerArns: [],
    };
    targetGroups.set(group.TargetGroupArn, group);
    return group;
  }

  function seedLoadBalancer(options: Parameters<FakeElbv2['seedLoadBalancer']>[0]) {
    const network = options.listeners.some((l) => l.protocol !== 'HTTP' && l.protocol !== 'HTTPS');
    const scheme = options.scheme ?? 'internet-facing';
    const prefix = scheme === 'internal' ? 'internal-' : '';
    const suffix = id();
    const loadBalancer: LoadBalancer = {
      LoadBalancerArn: arn(`loadbalancer/${network ? 'net' : 'app'}/${options.name}/${suffix}`),
      // The two forms AWS gives: ALBs name-<number>.<region>.elb.amazonaws.com, NLBs name-<id>.elb.<region>....
      DNSName:
        options.dnsName ??
        (network
          ? `${prefix}${options.name}-${suffix}.elb.${REGION}.amazonaws.com`
          : `${prefix}${options.name}-${parseInt(suffix.slice(0, 8), 16)}.${REGION}.elb.amazonaws.com`),
      CanonicalHostedZoneId: network ? 'Z26RNL4JYFTOTI' : 'Z35SXDOTRQ7X7K',
      CreatedTime: new Date().toISOString(),
      LoadBalancerName: options.name,
      Scheme: scheme,
      VpcId: VPC,
      State: { Code: 'active' },
      Type: network ? 'network' : 'application',
      IpAddressType: 'ipv4',
    };
    loadBalancers.set(loadBalancer.LoadBalancerArn, loadBalancer);
    const targetGroup = seedTargetGroup(options.name, network ? 'TCP' : 'HTTP');
    targetGroup.LoadBalancerArns.push(loadBalancer.LoadBalancerArn);
    const lbPath = loadBalancer.LoadBalancerArn.slice(loadBalancer.LoadBalancerArn.indexOf('/') + 1);
    for (const { protocol, port } of options.listeners) {
      const secure = protocol === 'HTTPS' || protocol === 'TLS';
      const listener: Listener = {
        ListenerArn: arn(`listener/${lbPath}/${id()}`),
        LoadBalancerArn: loadBalancer.LoadBalancerArn,
        Port: port,
        Protocol: protocol,
        ...(secure
          ? {
              Certificates: [{ CertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${crypto.randomUUID()}` }],
              SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
            }
          : {}),
        DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroup.TargetGroupArn }],
      };
      listeners.set(listener.ListenerArn, listener);
    }
    return { loadBalancer, targetGroup };
  }

  /** Every ARN asked for must exist, or the whole call fails, as ELBv2 answers. */
  function pick<T>(all: Map<string, T>, arns: string[], fault: AwsFault): T[] {
    const found = arns.map((key) => all.get(key));
    if (found.some((item) => !item)) throw fault;
    return found as T[];
  }
  /**
   * What a Describe call asks for by ARN (every one must exist) or by name (every name must match one), as
   * ELBv2 answers; undefined when the call names none.
   */
  function lookup<T>(all: Map<string, T>, arnsParam: string, nameOf: (item: T) => string, fault: AwsFault) {
    return (params: Record<string, unknown>): T[] | undefined => {
      const arns = members(params, arnsParam);
      if (arns.length) return pick(all, arns, fault);
      const names = members(params, 'Names');
      if (!names.length) return undefined;
      const found = [...all.values()].filter((item) => names.includes(nameOf(item)));
      if (found.length < names.length) throw fault;
      return found;
    };
  }
  const noTargetGroup = new AwsFault('TargetGroupNotFound', 'One or more target groups not found');
  const noLoadBalancer = new AwsFault('LoadBalancerNotFound', 'One or more load balancers not found');
  const noListener = new AwsFault('ListenerNotFound', 'One or more listeners not found');
  const namedTargetGroups = lookup(targetGroups, 'TargetGroupArns', (g) => g.TargetGroupName, noTargetGroup);
  const namedLoadBalancers = lookup(loadBalancers, 'LoadBalancerArns', (lb) => lb.LoadBalancerName, noLoadBalancer);

  const rules = new Map<string, Rule>();
  function seedRule(options: Parameters<FakeElbv2['seedRule']>[0]): Rule {
    if (!listeners.has(options.listenerArn)) throw noListener;
    const conditions: Rule['Conditions'] = [
      ...(options.pathPattern
        ? [
            {
              Field: 'path-pattern' as const,
              Values: [options.pathPattern],
              PathPatternConfig: { Values: [options.pathPattern] },
            },
          ]
        : []),
      ...(options.hostHeader
        ? [
            {
              Field: 'host-header' as const,
              Values: [options.hostHeader],
              HostHeaderConfig: { Values: [options.hostHeader] },
            },
          ]
        : []),
    ];
    const rule: Rule = {
      RuleArn: `${options.listenerArn.replace(':listener/', ':listener-rule/')}/${id()}`,
      Priority: String(options.priority),
      Conditions: conditions,
      Actions: [
        {
          Type: 'forward',
          Order: 1,
          ForwardConfig: {
            TargetGroups: options.targetGroups.map((g) => ({ TargetGroupArn: g.arn, Weight: g.weight })),
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ],
      IsDefault: false,
    };
    rules.set(rule.RuleArn, rule);
    return rule;
  }
  const noRule = new AwsFault('RuleNotFound', 'One or more rules not found');
  /** A rule as DescribeRules shows it now: the weights the local ECS set, when a test wired them. */
  const shown = (rule: Rule): Rule => {
    const moved = api.weights?.(rule.RuleArn);
    if (!moved) return rule;
    const [action] = rule.Actions;
    return {
      ...rule,
      Actions: [
        {
          ...(action as Rule['Actions'][0]),
          ForwardConfig: { TargetGroups: moved, TargetGroupStickinessConfig: { Enabled: false } },
        },
      ],
    };
  };
  // The object returned below, whose `weights` a test may set at any time.
  let api: FakeElbv2;

  const server = await startAwsServer(
    queryProtocol({
      namespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
      version: '2015-12-01',
      service: 'elasticloadbalancing',
    }),
    {
      DescribeTargetGroups: (params) => {
        const named = namedTargetGroups(params);
        if (named) return { TargetGroups: named };
        let groups = [...targetGroups.values()];
        if (params.LoadBalancerArn) {
          pick(loadBalancers, [String(params.LoadBalancerArn)], noLoadBalancer);
          groups = groups.filter((g) => g.LoadBalancerArns.includes(String(params.LoadBalancerArn)));
        }
        return { TargetGroups: groups };
      },
      DescribeLoadBalancers: (params) => ({
        LoadBalancers: namedLoadBalancers(params) ?? [...loadBalancers.values()],
      }),
      DescribeListeners: (params) => {
        const arns = members(params, 'ListenerArns');
        if (arns.length) return { Listeners: pick(listeners, arns, noListener) };
        if (!params.LoadBalancerArn)
          throw new AwsFault('ValidationError', 'You must specify either listener ARNs or a load balancer ARN');
        const [lb] = pick(loadBalancers, [String(params.LoadBalancerArn)], noLoadBalancer);
        return { Listeners: [...listeners.values()].filter((l) => l.LoadBalancerArn === lb?.LoadBalancerArn) };
      },
      // API Reference, DescribeRules: "You must specify either a listener or rules"; an unknown rule is
      // RuleNotFound, an unknown listener ListenerNotFound.
      DescribeRules: (params) => {
        const arns = members(params, 'RuleArns');
        if (arns.length) return { Rules: pick(rules, arns, noRule).map(shown) };
        if (!params.ListenerArn)
          throw new AwsFault('ValidationError', 'You must specify either listener ARNs or rule ARNs');
        pick(listeners, [String(params.ListenerArn)], noListener);
        const prefix = `${String(params.ListenerArn).replace(':listener/', ':listener-rule/')}/`;
        return { Rules: [...rules.values()].filter((r) => r.RuleArn.startsWith(prefix)).map(shown) };
      },
    },
  );
  return (api = Object.assign(server, {
    loadBalancers,
    listeners,
    targetGroups,
    rules,
    seedLoadBalancer,
    seedRule,
    seedTargetGroup: (name: string) => seedTargetGroup(name),
  }) as FakeElbv2);
}
