import { Injectable } from '@nestjs/common';
import { Metrics, withDeadline } from '@livechat/common';
import { InquiriesRepository } from './inquiries.repository.js';

/** `livechat_queue_depth{department}`: rooms waiting for an agent, read from the database on scrape. */
@Injectable()
export class QueueMetrics {
  constructor(metrics: Metrics, inquiries: InquiriesRepository) {
    metrics.collectedGauge({
      name: 'livechat_queue_depth',
      help: 'Rooms waiting in the queue for an agent, by department id ("none": rooms without a department); read on scrape, the same for every routing replica',
      labelNames: ['department'],
      collect: async (gauge) => {
        const depths = await withDeadline(inquiries.queueDepths(), 1_000, 'the queue depth query');
        gauge.reset();
        for (const { department, depth } of depths) gauge.set({ department }, depth);
      },
    });
  }
}
