/**
 * The "KubeStellar Matches" tree in the Explorer: for the policy under the cursor, the WECs it binds
 * and the objects each downsync clause selects, as the language server explains them.
 *
 * The view follows its document: an edit or an inventory change asks the server again. Requests are
 * never stacked: while one is in flight, later triggers only mark the view stale, and one more
 * request runs when the first returns.
 */
import * as vscode from 'vscode';
import type { ExplainedClause, ExplainedObject, ExplainedPolicy, ExplainedSelector, ExplainedWec, ExplainResult, SourceLink } from '../../server/src/protocol';

/** Opens a place given as a character offset; registered by `commands.ts`. */
export const OPEN_SOURCE_COMMAND = 'kubestellar.openSourceLink';

type Node =
  | { readonly kind: 'policy'; readonly policy: ExplainedPolicy; readonly uri: string }
  | { readonly kind: 'wecs'; readonly policy: ExplainedPolicy }
  | { readonly kind: 'wec'; readonly wec: ExplainedWec }
  | { readonly kind: 'selectors'; readonly policy: ExplainedPolicy }
  | { readonly kind: 'selector'; readonly selector: ExplainedSelector }
  | { readonly kind: 'clause'; readonly clause: ExplainedClause }
  | { readonly kind: 'object'; readonly object: ExplainedObject }
  | { readonly kind: 'problem'; readonly text: string }
  | { readonly kind: 'empty'; readonly text: string };

export type Explain = (uri: string, position: vscode.Position | undefined) => Promise<ExplainResult | null>;

export class MatchesView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private result: ExplainResult | null | undefined;
  private target: { uri: string; position?: vscode.Position } | undefined;
  private inFlight = false;
  private stale = false;

  constructor(private readonly explain: Explain) {
    this.view = vscode.window.createTreeView('kubestellar.matches', { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions.push(
      this.view,
      this.changed,
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.toString() === this.target?.uri && event.contentChanges.length > 0) this.update();
      }),
    );
  }

  /** Explains the policy at `position` of `uri` and shows the result. */
  async show(uri: string, position: vscode.Position | undefined): Promise<ExplainResult | null | undefined> {
    this.target = { uri, position };
    await this.update();
    return this.result;
  }

  /** Asks the server again for the current target, e.g. after the inventory changed. */
  async update(): Promise<void> {
    if (!this.target) return;
    if (this.inFlight) {
      this.stale = true;
      return;
    }
    this.inFlight = true;
    try {
      do {
        this.stale = false;
        const { uri, position } = this.target;
        this.result = await this.explain(uri, position);
      } while (this.stale);
    } finally {
      this.inFlight = false;
    }
    this.view.message = this.result
      ? `${vscode.workspace.asRelativePath(vscode.Uri.parse(this.result.uri))} against ${this.result.origin}`
      : 'The language server could not explain this document.';
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      if (!this.result) return [];
      if (this.result.policies.length === 0) return [{ kind: 'empty', text: 'No BindingPolicy in this document' }];
      const uri = this.result.uri;
      return this.result.policies.map((policy) => ({ kind: 'policy', policy, uri }));
    }
    switch (node.kind) {
      case 'policy': {
        const children: Node[] = node.policy.errors.map((text) => ({ kind: 'problem', text }));
        children.push({ kind: 'selectors', policy: node.policy }, { kind: 'wecs', policy: node.policy });
        children.push(...node.policy.clauses.map((clause): Node => ({ kind: 'clause', clause })));
        return children;
      }
      case 'wecs':
        return node.policy.wecs.map((wec) => ({ kind: 'wec', wec }));
      case 'selectors':
        return node.policy.clusterSelectors.map((selector) => ({ kind: 'selector', selector }));
      case 'clause':
        return node.clause.objects.map((object) => ({ kind: 'object', object }));
      default:
        return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const expanded = vscode.TreeItemCollapsibleState.Expanded;
    const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    const none = vscode.TreeItemCollapsibleState.None;
    switch (node.kind) {
      case 'policy': {
        const objectCount = new Set(node.policy.clauses.flatMap((clause) => clause.objects.map(objectKey))).size;
        const item = new vscode.TreeItem(node.policy.name, expanded);
        item.description = `${count(node.policy.wecs.length, 'WEC')} · ${count(objectCount, 'object')}`;
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        item.command = revealRange(node.uri, node.policy.range.start);
        return item;
      }
      case 'selectors': {
        const item = new vscode.TreeItem('Cluster selectors', node.policy.clusterSelectors.length > 0 ? collapsed : none);
        item.description = node.policy.clusterSelectors.length === 0 ? 'none: binds no WEC' : String(node.policy.clusterSelectors.length);
        item.iconPath = new vscode.ThemeIcon('filter');
        return item;
      }
      case 'selector': {
        const { selector } = node;
        if (!selector.valid) {
          const item = new vscode.TreeItem(`Selector ${selector.index + 1}: invalid`, none);
          item.description = selector.error;
          item.tooltip = selector.error;
          item.iconPath = new vscode.ThemeIcon('error');
          return item;
        }
        const item = new vscode.TreeItem(selector.selector === '' ? '(empty: matches every WEC)' : selector.selector, none);
        item.description = selector.wecs ? count(selector.wecs.length, 'WEC') : undefined;
        item.tooltip = selector.selector === ''
          ? 'An empty selector matches every WEC.'
          : `kubectl get managedclusters -l '${selector.selector}'${selector.wecs?.length ? `\n\n${selector.wecs.join(', ')}` : ''}`;
        return item;
      }
      case 'wecs': {
        const item = new vscode.TreeItem('WECs', node.policy.wecs.length > 0 ? expanded : none);
        item.description = String(node.policy.wecs.length);
        item.iconPath = new vscode.ThemeIcon('server-environment');
        return item;
      }
      case 'wec': {
        const item = new vscode.TreeItem(node.wec.name, none);
        const labels = Object.entries(node.wec.labels).map(([key, value]) => `${key}=${value}`);
        item.description = labels.join(', ');
        item.tooltip = labels.length > 0 ? labels.join('\n') : 'no labels';
        item.iconPath = new vscode.ThemeIcon('server');
        item.command = openLink(node.wec.location);
        return item;
      }
      case 'clause': {
        const item = new vscode.TreeItem(`downsync[${node.clause.index}]: ${node.clause.summary}`, node.clause.objects.length > 0 ? collapsed : none);
        item.description = count(node.clause.objects.length, 'object');
        const selectors = [...node.clause.objectSelectors, ...node.clause.namespaceSelectors];
        item.tooltip = selectors.length > 0 ? selectors.map((entry) => (entry.valid ? entry.selector || '(empty selector)' : `invalid: ${entry.error}`)).join('\n') : undefined;
        item.iconPath = new vscode.ThemeIcon('package');
        return item;
      }
      case 'object': {
        const { object } = node;
        const item = new vscode.TreeItem(object.namespace ? `${object.namespace}/${object.name}` : object.name, none);
        item.description = `${object.kind ?? object.resource} (${object.group ? `${object.group}/` : ''}${object.version})`;
        item.iconPath = new vscode.ThemeIcon('symbol-object');
        item.command = openLink(object.location);
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.text, none);
        item.iconPath = new vscode.ThemeIcon('warning');
        item.tooltip = node.text;
        return item;
      }
      case 'empty':
        return new vscode.TreeItem(node.text, none);
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The identity of an object across clauses, so an object selected by two clauses counts once. */
function objectKey(object: ExplainedObject): string {
  return [object.group, object.resource, object.namespace, object.name].join('/');
}

function openLink(link: SourceLink | undefined): vscode.Command | undefined {
  return link ? { title: 'Open', command: OPEN_SOURCE_COMMAND, arguments: [link] } : undefined;
}

function revealRange(uri: string, start: { line: number; character: number }): vscode.Command {
  const position = new vscode.Position(start.line, start.character);
  return { title: 'Reveal', command: 'vscode.open', arguments: [vscode.Uri.parse(uri), { selection: new vscode.Range(position, position) }] };
}
