import type { Dataframer } from '../../client.js';
import { AnonymizationRuns } from './anonymization-runs.js';
import { Evaluations } from './evaluations.js';
import { HealthResource } from './health.js';
import { HumanLabels } from './human-labels.js';
import { Models } from './models.js';
import { RedTeamRuns } from './red-team-runs.js';
import { RedTeamSpecs } from './red-team-specs.js';
import { RedTeamTaxonomyResource } from './red-team-taxonomy.js';
import { Runs } from './runs.js';
import { SeedDatasets } from './seed-datasets.js';
import { Specs } from './specs.js';

/**
 * `client.dataframer.*`: the `/api/dataframer/...` endpoints, one resource file each. A new endpoint
 * group (evaluations, anonymization runs, red teaming) is a new file here and one line below.
 */
export class DataframerResource {
  readonly seedDatasets: SeedDatasets;
  readonly specs: Specs;
  readonly runs: Runs;
  readonly health: HealthResource;
  readonly models: Models;
  readonly evaluations: Evaluations;
  readonly humanLabels: HumanLabels;
  readonly anonymizationRuns: AnonymizationRuns;
  readonly redTeamSpecs: RedTeamSpecs;
  readonly redTeamRuns: RedTeamRuns;
  /** `GET /red-team-taxonomy/`: `client.dataframer.redTeamTaxonomy.retrieve()`. */
  readonly redTeamTaxonomy: RedTeamTaxonomyResource;

  constructor(client: Dataframer) {
    this.seedDatasets = new SeedDatasets(client);
    this.specs = new Specs(client);
    this.runs = new Runs(client);
    this.health = new HealthResource(client);
    this.models = new Models(client);
    this.evaluations = new Evaluations(client);
    this.humanLabels = new HumanLabels(client);
    this.anonymizationRuns = new AnonymizationRuns(client);
    this.redTeamSpecs = new RedTeamSpecs(client);
    this.redTeamRuns = new RedTeamRuns(client);
    this.redTeamTaxonomy = new RedTeamTaxonomyResource(client);
  }
}
